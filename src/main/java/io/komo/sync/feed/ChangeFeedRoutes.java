package io.komo.sync.feed;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** The change feed's routes: only the relay of the configured mode is started. */
@ApplicationScoped
public class ChangeFeedRoutes extends RouteBuilder {

    @Inject
    ChangeFeedConfig config;

    @Inject
    EmbeddedChangeFeed embeddedFeed;

    @Inject
    KafkaChangeRelay kafkaRelay;

    @Override
    public void configure() {
        if (config.mode() == ChangeFeedConfig.Mode.KAFKA) {
            from("timer:change-feed.kafka-relay?delay=0&period={{komo.feed.poll-interval}}")
                    .routeId("change-feed.kafka-relay")
                    .bean(kafkaRelay, "relay").id("change-feed.kafka-relay.publish-batch");

            from(KafkaChangeRelay.PUBLISH_ENDPOINT)
                    .routeId("change-feed.kafka-publish")
                    .to("kafka:{{komo.feed.kafka.topic}}?requestRequiredAcks=all&enableIdempotence=true")
                    .id("change-feed.kafka-publish.to-topic");
        } else {
            from("timer:change-feed.embedded-relay?delay=0&period={{komo.feed.poll-interval}}")
                    .routeId("change-feed.embedded-relay")
                    .bean(embeddedFeed, "relay").id("change-feed.embedded-relay.deliver-batches");
        }
    }
}
