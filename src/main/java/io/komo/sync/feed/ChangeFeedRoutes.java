package io.komo.sync.feed;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** The Kafka relay's routes, in kafka mode. */
@ApplicationScoped
public class ChangeFeedRoutes extends RouteBuilder {

    @Inject
    ChangeFeedConfig config;

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
        }
        // In embedded mode every consumer gets its own relay route when it subscribes (EmbeddedChangeFeed).
    }
}
