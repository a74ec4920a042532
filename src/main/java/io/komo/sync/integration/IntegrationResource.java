package io.komo.sync.integration;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.runtime.ConnectorContexts;
import io.komo.sync.security.Principal;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/** Integrations and their lifecycle (API.md § Integrations). Definitions are changed by admins, run by operators. */
@Path("/api/integrations")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
public class IntegrationResource {

    @Inject
    IntegrationService integrations;

    @Inject
    DefinitionLoader loader;

    @Inject
    ConnectorRegistry connectors;

    /**
     * The list page, as every list of the API shows it, plus the definition files skipped at start-up so
     * a broken file is not silently missing (left out when there are none).
     */
    public record IntegrationList(List<IntegrationView> items, String nextCursor,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DefinitionLoader.LoadError> loadErrors) {
    }

    @GET
    @RequiresRole(Role.VIEWER)
    public IntegrationList list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        Page<IntegrationView> page = integrations.list(Paging.limit(limit),
                cursor == null || cursor.isBlank() ? null : cursor);
        return new IntegrationList(health.withHealth(page.items()), page.nextCursor(), loader.loadErrors());
    }

    @POST
    public Response create(JsonNode body, @Context ContainerRequestContext request) {
        IntegrationView created = withHealth(integrations.create(body, actor(request)));
        return Response.created(URI.create("/api/integrations/" + created.id())).entity(created).build();
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public IntegrationView get(@PathParam("id") String id) {
        return withHealth(integrations.get(id));
    }

    @PUT
    @Path("/{id}")
    public IntegrationView replace(@PathParam("id") String id, JsonNode body,
            @Context ContainerRequestContext request) {
        return withHealth(integrations.replace(id, body, actor(request)));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, @Context ContainerRequestContext request) {
        integrations.delete(id, actor(request));
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/activate")
    @RequiresRole(Role.OPERATOR)
    /**
     * Body (optional): {@code {"force": true, "reason": "..."}} activates without a passed live test sync; admins
     * only, and the reason is audited (for what a test sync cannot try: an inbound-only push platform, an empty scope).
     */
    public IntegrationView activate(@PathParam("id") String id, JsonNode body,
            @Context ContainerRequestContext request) {
        JsonNode force = body == null ? null : body.get("force");
        if (force != null && !force.isBoolean()) {
            throw ProblemException.invalid("force", "must be true or false");
        }
        boolean forced = force != null && force.asBoolean();
        String reason = body == null ? null : body.path("reason").asText(null);
        if (forced) {
            if (!(request.getProperty(Principal.PROPERTY) instanceof Principal p && p.role().includes(Role.ADMIN))) {
                throw new ProblemException(io.komo.sync.api.Problem.of(Response.Status.FORBIDDEN,
                        "Only an admin may activate without a passed test sync"));
            }
            if (reason == null || reason.isBlank() || reason.length() > 500 || reason.indexOf('\0') >= 0) {
                throw ProblemException.invalid("reason", "is required with force (up to 500 characters, no NUL): "
                        + "it is kept in the audit log");
            }
        }
        return withHealth(integrations.activate(id, actor(request), forced, reason));
    }

    @POST
    @Path("/{id}/pause")
    @RequiresRole(Role.OPERATOR)
    public IntegrationView pause(@PathParam("id") String id, @Context ContainerRequestContext request) {
        return withHealth(integrations.pause(id, actor(request)));
    }

    @POST
    @Path("/{id}/resume")
    @RequiresRole(Role.OPERATOR)
    public IntegrationView resume(@PathParam("id") String id, @Context ContainerRequestContext request) {
        return withHealth(integrations.resume(id, actor(request)));
    }

    /** The platform's fields, to map against; asks the platform, so it uses the integration's endpoint and credential. */
    @GET
    @Path("/{id}/fields")
    @RequiresRole(Role.VIEWER)
    public List<FieldDescriptor> fields(@PathParam("id") String id) {
        IntegrationDefinition definition = integrations.get(id).definition();
        return connectors.find(definition.platform())
                .orElseThrow(() -> ProblemException.notFound("No connector for platform '" + definition.platform()
                        + "' of integration " + id + " is installed"))
                .describeFields(contexts.forDefinition(definition));
    }

    /** The dashboard's view: state, health indicator, last sync, records today and in total, errors, success rate. */
    @GET
    @Path("/{id}/status")
    @RequiresRole(Role.VIEWER)
    public IntegrationHealth.Status status(@PathParam("id") String id) {
        integrations.get(id);
        return health.status(id);
    }

    /** Checks credentials and permissions against the platform with one authenticated call. */
    @POST
    @Path("/{id}/connection-test")
    @RequiresRole(Role.OPERATOR)
    public IntegrationHealth.ConnectionTest connectionTest(@PathParam("id") String id) {
        integrations.get(id);
        return health.testConnection(id);
    }

    @Inject
    IntegrationHealth health;

    @Inject
    ConnectorContexts contexts;

    /** Every integration the API answers with carries its health indicator, read after the change committed. */
    private IntegrationView withHealth(IntegrationView view) {
        return health.withHealth(List.of(view)).get(0);
    }

    private static String actor(ContainerRequestContext request) {
        Object principal = request.getProperty(Principal.PROPERTY);
        return principal instanceof Principal p ? p.name() : "unknown";
    }
}
