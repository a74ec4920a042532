package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.FAST_RETRY;
import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.assertDrainedInOrder;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.KafkaFeedProfile;
import io.komo.sync.testing.ProductionPath;

/**
 * In kafka mode an integration takes Komo's changes from the topic, in its own consumer group, against
 * a real broker: pausing stops the consumer and keeps its offsets, resuming drains what queued in order.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
@TestProfile(KafkaFeedProfile.class)
class WebhookSyncOverKafkaTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    @Inject
    CamelContext camel;

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Test
    void anIntegrationConsumesTheTopicAndAPauseQueuesChangesThatResumeDrainsInOrder() {
        String id = uniqueId("kafka-out");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                "batchSize": 100, %s, "mapping": %s""".formatted(platform.baseUrl(), FAST_RETRY, MAPPING));
        assertThat(camel.getRoute(id + ".feed").getEndpoint().getEndpointUri())
                .as("the integration's feed consumes the topic").startsWith("kafka:");

        String first = uniqueEmail("via-kafka");
        createContact("{\"email\": \"%s\", \"firstName\": \"Kai\"}".formatted(first));
        await().atMost(WAIT).until(() -> platform.recordsFor(first).size() == 1);
        assertThat(platform.recordsFor(first).get(0)).containsEntry("first_name", "Kai");

        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        assertThat(camel.getRoute(id + ".feed")).as("no consumer while paused").isNull();
        platform.reset();
        String prefix = uniqueId("kq");
        for (int round = 0; round < 2; round++) {
            StringBuilder bulk = new StringBuilder("{\"contacts\": [");
            for (int i = 0; i < 100; i++) {
                bulk.append(i == 0 ? "" : ",").append("{\"email\": \"%s.%d@example.com\", \"lastName\": \"v%02d\"}"
                        .formatted(prefix, i, round));
            }
            operator().body(bulk + "]}").post("/api/contacts/bulk?merge=true").then().statusCode(200)
                    .body("failed", equalTo(0));
        }
        // Give the relay time to publish the 200 changes: a running consumer would have sent them by now.
        await().pollDelay(Duration.ofSeconds(3)).atMost(WAIT).until(() -> true);
        assertThat(platform.received()).as("nothing is sent while paused").isEmpty();

        operator().post("/api/integrations/" + id + "/resume").then().statusCode(200);
        assertThat(camel.getRoute(id + ".feed").getEndpoint().getEndpointUri()).startsWith("kafka:");
        assertDrainedInOrder(platform, prefix, 100, "v01", WAIT);
    }

    @Test
    void aFailingOrThrottlingPlatformGetsTheBatchAgainFromTheTopicAndNothingIsLost() {
        String id = uniqueId("kafka-faults");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                %s, "mapping": %s""".formatted(platform.baseUrl(), FAST_RETRY, MAPPING));
        platform.answer(500, 2).throttle(1, 1);
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            emails.add(uniqueEmail("kafka-fault" + i));
            createContact("{\"email\": \"%s\", \"firstName\": \"F%d\"}".formatted(emails.get(i), i));
        }
        await().atMost(WAIT).until(() -> emails.stream().allMatch(e -> !platform.recordsFor(e).isEmpty()));
        io.komo.sync.testing.Api.viewer().queryParam("integration", id).get("/api/dead-letters").then()
                .body("items.size()", equalTo(0));
    }

}
