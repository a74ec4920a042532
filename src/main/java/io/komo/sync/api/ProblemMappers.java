package io.komo.sync.api;

import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.persistence.OptimisticLockException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every failure of a request into a problem document; a 500 only for our own bugs. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        return invalidJson(e).toResponse();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return invalidJson(json).toResponse();
        }
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type != null ? type.getReasonPhrase() : "Error";
        String detail = status == 404 ? "No such resource" : e.getMessage();
        return Problem.of(status, title, detail, List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response concurrentUpdate(OptimisticLockException e) {
        return Problem.of(Response.Status.CONFLICT, "The resource was changed concurrently; read it again and retry")
                .toResponse();
    }

    @ServerExceptionMapper
    public Response constraint(ConstraintViolationException e) {
        return Problem.of(Response.Status.CONFLICT, "The change conflicts with existing data: " + e.getConstraintName())
                .toResponse();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ProblemException p) {
                return p.toResponse();
            }
            if (root instanceof ConstraintViolationException c) {
                return constraint(c);
            }
            if (root instanceof OptimisticLockException o) {
                return concurrentUpdate(o);
            }
            root = root.getCause();
        }
        LOG.error("Unexpected failure while serving a request", e);
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "Unexpected server error").toResponse();
    }

    static Problem invalidJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? path(mapping.getPath()) : "";
        String message;
        if (e instanceof UnrecognizedPropertyException unknown) {
            field = path(unknown.getPath());
            message = "unknown field";
        } else if (e instanceof InvalidFormatException format) {
            message = "expected " + describe(format.getTargetType()) + " but got " + format.getValue();
        } else if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            message = "wrong type: " + e.getOriginalMessage();
        } else {
            return Problem.of(400, "Malformed JSON", "The body is not valid JSON: " + e.getOriginalMessage(),
                    List.of());
        }
        return Problem.of(400, "Invalid request", field + ": " + message, List.of(new FieldError(field, message)));
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        return refs.stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining())
                .replaceFirst("^\\.", "");
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        return "a " + type.getSimpleName();
    }
}
