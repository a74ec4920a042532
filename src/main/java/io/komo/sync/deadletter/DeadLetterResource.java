package io.komo.sync.deadletter;

import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;
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
import io.komo.sync.errors.DeadLetterStore;
import io.komo.sync.errors.DeadLetterView;
import io.komo.sync.security.Principal;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;
import io.komo.sync.storage.BackgroundConnections;

/** Records the engine gave up on (API.md § Integrations). Reading needs viewer; replay and discard need operator. */
@Path("/api/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class DeadLetterResource {

    private static final Set<String> STATUSES = Set.of(DeadLetterView.OPEN, DeadLetterView.REPLAYED,
            DeadLetterView.DISCARDED);

    @Inject
    DeadLetterService deadLetters;

    @Inject
    BackgroundConnections connections;

    @GET
    @RequiresRole(Role.VIEWER)
    public Page<DeadLetterView> list(@QueryParam("integration") String integration, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        String wantedStatus = Paging.textParam(status);
        if (wantedStatus != null && !STATUSES.contains(wantedStatus)) {
            throw ProblemException.invalid("status", "must be one of open, replayed, discarded");
        }
        return deadLetters.list(new DeadLetterStore.Filter(Paging.textParam(integration), wantedStatus),
                Paging.limit(limit),
                NewestFirst.parse(cursor));
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public DeadLetterView get(@PathParam("id") String id) {
        return deadLetters.get(Paging.pathId("dead letter", id));
    }

    @POST
    @Path("/{id}/replay")
    public DeadLetterView replay(@PathParam("id") String id, @Context ContainerRequestContext request) {
        UUID letterId = Paging.pathId("dead letter", id);
        try (BackgroundConnections.Lease lease = connections.leaseForRequest()) { // the replay waits on the platform
            return deadLetters.replay(letterId, Principal.nameOf(request));
        }
    }

    @POST
    @Path("/{id}/discard")
    public DeadLetterView discard(@PathParam("id") String id, @Context ContainerRequestContext request) {
        return deadLetters.discard(Paging.pathId("dead letter", id), Principal.nameOf(request));
    }

}
