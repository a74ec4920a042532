package io.komo.sync.subscription;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Delivery of outbound webhook events to their subscribers. */
@ConfigMapping(prefix = "komo.webhooks")
public interface WebhookSubscriptionsConfig {

    /** Calls per delivery in all, the first included, before it is marked failed. */
    @WithName("max-attempts")
    @WithDefault("12")
    int maxAttempts();

    /** Wait after the first failed call; doubled after each further one. */
    @WithName("initial-delay")
    @WithDefault("PT5S")
    Duration initialDelay();

    /** Longest wait between two calls (a receiver's Retry-After may ask for longer). */
    @WithName("max-delay")
    @WithDefault("PT1H")
    Duration maxDelay();

    /**
     * Deliveries sent at once by each replica: one per sender route. A receiver that answers slowly holds one
     * sender for up to the HTTP timeout; the others go on with the other subscriptions.
     */
    @WithName("senders")
    @WithDefault("4")
    int senders();

    /** Milliseconds between two looks for due deliveries. */
    @WithName("poll-interval")
    @WithDefault("1000")
    long pollInterval();
}
