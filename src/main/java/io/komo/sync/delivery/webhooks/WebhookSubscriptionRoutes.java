package io.komo.sync.delivery.webhooks;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Outbound webhook events: the change feed's batches become pending deliveries (in the feed's
 * transaction), and a timer sends what is due.
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

        from("timer:webhook-subscriptions.dispatch?delay=0&period=" + config.pollInterval())
                .routeId("webhook-subscriptions.dispatch")
                .bean("webhookDispatcher", "dispatchDue").id("webhook-subscriptions.dispatch.send-due");
    }
}
