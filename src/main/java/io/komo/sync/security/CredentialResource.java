package io.komo.sync.security;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;

/**
 * Stored credentials (API.md § Integrations): admins write and delete them; viewers read them masked.
 * The answer has the shape of the request, with secret values masked, plus the timestamps.
 */
@Path("/api/credentials/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
public class CredentialResource {

    private static final String ID_PATTERN = "[A-Za-z0-9._-]{1,64}";

    @Inject
    CredentialStore credentials;

    @PUT
    public Response put(@PathParam("id") String id, JsonNode body) {
        CredentialType.Parsed parsed = CredentialType.parse(body);
        CredentialStore.Stored stored = credentials.put(validId(id), parsed.type().wireName(), parsed.secrets());
        Map<String, Object> view = view(id, stored.type(), parsed.type().masked(parsed.secrets()), stored.createdAt(),
                stored.updatedAt());
        return Response.status(stored.created() ? Response.Status.CREATED : Response.Status.OK).entity(view).build();
    }

    @GET
    @RequiresRole(Role.VIEWER)
    public Map<String, Object> get(@PathParam("id") String id) {
        CredentialStore.Masked masked = readable(() -> credentials.masked(validId(id)))
                .orElseThrow(() -> ProblemException.notFound("No credential '" + id + "'"));
        return view(id, masked.type(), masked.secrets(), masked.createdAt(), masked.updatedAt());
    }

    @DELETE
    public Response delete(@PathParam("id") String id) {
        if (!credentials.delete(validId(id))) {
            throw ProblemException.notFound("No credential '" + id + "'");
        }
        return Response.noContent().build();
    }

    /** {@code headers} credentials answer as they were sent: their entries under {@code headers}. */
    private static Map<String, Object> view(String id, String type, Map<String, String> masked, Instant createdAt,
            Instant updatedAt) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("type", type);
        if (CredentialType.HEADERS.wireName().equals(type)) {
            view.put("headers", masked);
        } else {
            view.putAll(masked);
        }
        view.put("createdAt", createdAt.toString());
        view.put("updatedAt", updatedAt.toString());
        return view;
    }

    private static String validId(String id) {
        if (id == null || !id.matches(ID_PATTERN)) {
            throw ProblemException.invalid("id", "must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return id;
    }

    /** A credential stored under another key is an installation problem, said plainly rather than as a bare 500. */
    private static <T> T readable(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (CredentialStore.UnreadableCredentialException e) {
            throw new ProblemException(Problem.of(500, "Credential unreadable", e.getMessage(), List.of()));
        }
    }
}
