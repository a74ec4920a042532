package io.komo.sync.run;

import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;
import io.komo.sync.storage.BackgroundConnections;

/** Historical syncs and test syncs of an integration (API.md § Integrations). */
@Path("/api/integrations/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class RunResource {

    @Inject
    RunService runs;

    @Inject
    TestSyncService testSync;

    @Inject
    BackgroundConnections connections;

    @POST
    @Path("/runs")
    public Response start(@PathParam("id") String integrationId, JsonNode body) {
        RunView run = runs.start(integrationId, body);
        return Response.accepted(run).location(URI.create("/api/integrations/" + integrationId + "/runs/" + run.id()))
                .build();
    }

    @GET
    @Path("/runs")
    @RequiresRole(Role.VIEWER)
    public Page<RunView> list(@PathParam("id") String integrationId, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return runs.list(integrationId, Paging.limit(limit), NewestFirst.parse(cursor));
    }

    @GET
    @Path("/runs/{runId}")
    @RequiresRole(Role.VIEWER)
    public RunView get(@PathParam("id") String integrationId, @PathParam("runId") String runId) {
        return runs.get(integrationId, Paging.pathId("run", runId));
    }

    /** Body: {@code {"limit": N, "dryRun": true}}; N from 1 to 100, dryRun defaults to true. */
    @POST
    @Path("/test-sync")
    public TestSyncService.Result testSync(@PathParam("id") String integrationId, JsonNode body) {
        JsonNode limit = body == null ? null : body.get("limit");
        if (limit == null || !limit.isIntegralNumber() || limit.asInt() < 1 || limit.asInt() > 100) {
            throw ProblemException.invalid("limit", "must be a whole number from 1 to 100");
        }
        JsonNode dryRun = body.get("dryRun");
        if (dryRun != null && !dryRun.isBoolean()) {
            throw ProblemException.invalid("dryRun", "must be true or false");
        }
        if (dryRun == null || dryRun.asBoolean()) {
            return testSync.run(integrationId, limit.asInt(), true);
        }
        try (BackgroundConnections.Lease lease = connections.leaseForRequest()) { // a live test sync waits on the platform
            return testSync.run(integrationId, limit.asInt(), false);
        }
    }
}
