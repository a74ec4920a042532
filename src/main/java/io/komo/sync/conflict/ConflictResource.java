package io.komo.sync.conflict;

import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.Principal;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;
import io.komo.sync.storage.BackgroundConnections;

/** The manual review queue (API.md § Integrations). Reading needs viewer; resolving needs operator. */
@Path("/api/conflicts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class ConflictResource {

    private static final Set<String> STATUSES = Set.of(ConflictView.OPEN, ConflictView.RESOLVED);

    @Inject
    ConflictService conflicts;

    @Inject
    BackgroundConnections connections;

    @GET
    @RequiresRole(Role.VIEWER)
    public Page<ConflictView> list(@QueryParam("integration") String integration, @QueryParam("status") String status,
            @QueryParam("contact") String contact, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        String wantedStatus = Paging.textParam(status);
        if (wantedStatus != null && !STATUSES.contains(wantedStatus)) {
            throw ProblemException.invalid("status", "must be one of open, resolved");
        }
        return conflicts.list(new ConflictQueue.Filter(Paging.textParam(integration), wantedStatus,
                Paging.uuidParam("contact", contact)), Paging.limit(limit), NewestFirst.parse(cursor));
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public ConflictView get(@PathParam("id") String id) {
        return conflicts.get(Paging.pathId("conflict", id));
    }

    @POST
    @Path("/{id}/resolve")
    public ConflictView resolve(@PathParam("id") String id, JsonNode body, @Context ContainerRequestContext request) {
        UUID conflictId = Paging.pathId("conflict", id);
        try (BackgroundConnections.Lease lease = connections.leaseForRequest()) { // the resolution waits on the platform
            return conflicts.resolve(conflictId, body, Principal.nameOf(request));
        }
    }
}
