package io.komo.sync.contact;

import java.net.URI;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/** Komo events: {@code points.awarded}, {@code tier.changed}, {@code form.submitted}, {@code competition.entered}. */
@Path("/api/events")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.OPERATOR)
public class EventResource {

    @Inject
    KomoEventService events;

    @POST
    public Response record(JsonNode body) {
        KomoEventService.Recorded recorded = events.record(body);
        return Response.created(URI.create("/api/events/" + recorded.id())).entity(recorded).build();
    }
}
