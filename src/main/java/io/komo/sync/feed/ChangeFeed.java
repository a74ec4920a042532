package io.komo.sync.feed;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Subscribes a consumer to Komo's changes in the configured mode: a cursor over the outbox
 * ({@link EmbeddedChangeFeed}) or a consumer group on the topic ({@link KafkaFeedSubscriptions}).
 * Either way the consumer's endpoint gets batches as {@code List<ChangeEvent>} inside a transaction that
 * commits with its position.
 */
@ApplicationScoped
public class ChangeFeed {

    @Inject
    EmbeddedChangeFeed embedded;

    @Inject
    KafkaFeedSubscriptions kafka;

    @Inject
    ChangeFeedConfig config;

    public void subscribe(EmbeddedChangeFeed.Subscription subscription) {
        if (kafkaMode()) {
            kafka.subscribe(subscription);
        } else {
            embedded.subscribe(subscription);
        }
    }

    public void unsubscribe(String consumer) {
        if (kafkaMode()) {
            kafka.unsubscribe(consumer);
        } else {
            embedded.unsubscribe(consumer);
        }
    }

    private boolean kafkaMode() {
        return config.mode() == ChangeFeedConfig.Mode.KAFKA;
    }
}
