package io.komo.sync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.komo.sync.testing.KafkaFeedProfile;
import io.komo.sync.testing.ProductionPath;

/** The same subscriptions in kafka mode: contact events reach the fan-out through the topic, in its own consumer group. */
@Tag(ProductionPath.TAG)
@QuarkusTest
@TestProfile(KafkaFeedProfile.class)
class WebhookSubscriptionsOverKafkaTest extends WebhookSubscriptionsTest {

    @Inject
    CamelContext camel;

    @Test
    void theFanOutConsumesTheTopic() {
        assertThat(camel.getRoute("webhook-subscriptions.feed").getEndpoint().getEndpointUri()).startsWith("kafka:")
                .contains("groupId=komo-webhook-subscriptions");
    }
}
