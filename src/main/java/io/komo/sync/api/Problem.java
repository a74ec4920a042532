package io.komo.sync.api;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 7807 problem document, the body of every error answer of the API. {@code extensions} are the
 * problem type's own members (RFC 7807 § 3.2), written beside the standard ones, e.g. a refused lifecycle
 * move's {@code currentStatus} and {@code allowedNextSteps}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
        @JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    public static Problem of(Response.Status status, String detail) {
        return of(status.getStatusCode(), status.getReasonPhrase(), detail, List.of());
    }

    public static Problem of(int status, String title, String detail, List<FieldError> errors) {
        return new Problem("about:blank", title, status, detail, errors, Map.of());
    }

    public Problem with(Map<String, Object> members) {
        return new Problem(type, title, status, detail, errors, members);
    }

    @JsonAnyGetter
    Map<String, Object> members() {
        return extensions;
    }

    public Response toResponse() {
        return Response.status(status).type(MediaType.valueOf(MEDIA_TYPE)).entity(this).build();
    }
}
