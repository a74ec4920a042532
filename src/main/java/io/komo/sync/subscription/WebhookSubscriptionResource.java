package io.komo.sync.subscription;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.OutboundAddressGuard;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/**
 * Outbound event subscriptions (API.md § Webhooks): admins create and delete them; viewers read them,
 * with the secret masked, and their deliveries. The secret is shown once, in the answer to the create call.
 */
@Path("/api/webhook-subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
public class WebhookSubscriptionResource {

    private static final Set<String> DELIVERY_STATUSES = Set.of(DeliveryDecision.PENDING, DeliveryDecision.DELIVERED,
            DeliveryDecision.FAILED);

    @Inject
    WebhookSubscriptionStore subscriptions;

    @Inject
    WebhookDeliveryStore deliveries;

    @Inject
    OutboundAddressGuard addressGuard;

    @POST
    @Transactional
    public Response create(JsonNode body, @Context UriInfo uri) {
        WebhookSubscriptionRequest request = WebhookSubscriptionRequest.read(body, addressGuard);
        WebhookSubscriptionStore.View created = subscriptions.create(request.url(), request.events());
        return Response.created(uri.getAbsolutePathBuilder().path(created.id().toString()).build()).entity(created)
                .build();
    }

    @GET
    @RequiresRole(Role.VIEWER)
    public Page<WebhookSubscriptionStore.View> list(@QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor) {
        return subscriptions.list(Paging.limit(limit), NewestFirst.parse(cursor));
    }

    @GET
    @Path("/{id}")
    @RequiresRole(Role.VIEWER)
    public WebhookSubscriptionStore.View get(@PathParam("id") String id) {
        return subscriptions.find(Paging.pathId("webhook subscription", id))
                .orElseThrow(() -> ProblemException.notFound("No webhook subscription with id " + id));
    }

    @DELETE
    @Path("/{id}")
    @Transactional
    public Response delete(@PathParam("id") String id) {
        if (!subscriptions.delete(Paging.pathId("webhook subscription", id))) {
            throw ProblemException.notFound("No webhook subscription with id " + id);
        }
        return Response.noContent().build();
    }

    /** Newest first; {@code status} pending, delivered or failed. */
    @GET
    @Path("/{id}/deliveries")
    @RequiresRole(Role.VIEWER)
    public Page<WebhookDeliveryStore.View> deliveries(@PathParam("id") String id, @QueryParam("status") String status,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        WebhookSubscriptionStore.View subscription = get(id);
        String wanted = Paging.textParam(status);
        if (wanted != null && !DELIVERY_STATUSES.contains(wanted)) {
            throw ProblemException.invalid("status", "must be one of pending, delivered, failed");
        }
        return deliveries.list(subscription.id(), wanted, Paging.limit(limit), NewestFirst.parse(cursor));
    }
}
