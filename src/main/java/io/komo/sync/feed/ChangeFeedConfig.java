package io.komo.sync.feed;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** How Komo's changes reach the integrations. */
@ConfigMapping(prefix = "komo.feed")
public interface ChangeFeedConfig {

    /** {@code embedded}: each consumer keeps a cursor over the outbox; {@code kafka}: the outbox is relayed to a topic. */
    Mode mode();

    /** Milliseconds between two looks at the outbox. */
    @WithName("poll-interval")
    long pollInterval();

    /** Most events handled in one transaction. */
    @WithName("batch-size")
    int batchSize();

    /** Kafka settings, used in kafka mode. */
    Kafka kafka();

    interface Kafka {
        /** The topic every change is published to, keyed by contact id. */
        String topic();
    }

    enum Mode {
        EMBEDDED, KAFKA
    }
}
