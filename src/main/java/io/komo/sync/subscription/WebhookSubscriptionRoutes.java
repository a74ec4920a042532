package io.komo.sync.subscription;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Outbound webhook events: the change feed's batches become pending deliveries (in the feed's
 * transaction), and {@code komo.webhooks.senders} timers send what is due.
 */
@ApplicationScoped
public class WebhookSubscriptionRoutes extends RouteBuilder {

    @Inject
    WebhookSubscriptionsConfig config;

    @Override
    public void configure() {
        from(WebhookEvents.FAN_OUT)
                .routeId("webhook-subscriptions.fan-out")
                .bean("webhookEvents", "fanOut").id("webhook-subscriptions.fan-out.enqueue");

        // Several senders: each claims its own due delivery (leased with SKIP LOCKED, as across replicas).
        for (int sender = 1; sender <= config.senders(); sender++) {
            String routeId = "webhook-subscriptions.dispatch-" + sender;
            from("timer:" + routeId + "?delay=0&period=" + config.pollInterval())
                    .routeId(routeId)
                    .bean("webhookDispatcher", "dispatchDue").id(routeId + ".send-due");
        }
    }
}
