package io.komo.sync.duplicate;

import java.util.Set;

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

/** The duplicates review list (README § The REST API in brief). Reading needs viewer; resolving needs operator. */
@Path("/api/duplicates")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class DuplicateResource {

    private static final Set<String> STATUSES = Set.of(DuplicateView.OPEN, DuplicateView.RESOLVED);

    @Inject
    DuplicateService duplicates;

    @GET
    @RequiresRole(Role.VIEWER)
    public Page<DuplicateView> list(@QueryParam("integration") String integration, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        String wantedStatus = Paging.textParam(status);
        if (wantedStatus != null && !STATUSES.contains(wantedStatus)) {
            throw ProblemException.invalid("status", "must be one of open, resolved");
        }
        return duplicates.list(new DuplicateQueue.Filter(Paging.textParam(integration), wantedStatus),
                Paging.limit(limit), NewestFirst.parse(cursor));
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public DuplicateView get(@PathParam("id") String id) {
        return duplicates.get(Paging.pathId("duplicate", id));
    }

    @POST
    @Path("/{id}/resolve")
    public DuplicateView resolve(@PathParam("id") String id, JsonNode body, @Context ContainerRequestContext request) {
        return duplicates.resolve(Paging.pathId("duplicate", id), body, Principal.nameOf(request));
    }
}
