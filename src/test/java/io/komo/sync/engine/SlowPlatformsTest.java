package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.storage.BackgroundConnections;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/**
 * A change-feed batch keeps its transaction, and so a connection, open while the platform answers. On a pool
 * of four connections, two kept for the API, six integrations wait on a platform that answers after four
 * seconds: longer than a request may wait for a connection here (two seconds). Before background work had a
 * share of the pool ({@code BackgroundConnections}), their batches took every connection and the API answered
 * 500.
 */
@QuarkusTest
@TestProfile(SlowPlatformsTest.SmallPool.class)
@ExtendWith(DeletesCreatedIntegrations.class)
class SlowPlatformsTest {

    private static final int INTEGRATIONS = 6;
    private static final Duration PLATFORM_DELAY = Duration.ofSeconds(4);

    public static class SmallPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.jdbc.max-size", "4",
                    "quarkus.datasource.jdbc.acquisition-timeout", "2S",
                    "komo.storage.connections-kept-for-api", "2",
                    // The platform is slow, not broken: its answers must not time out.
                    "komo.delivery.response-timeout-ms", "20000");
        }
    }

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Inject
    BackgroundConnections connections;

    @Test
    void theApiAnswersWhileIntegrationsWaitOnASlowPlatformAndEveryIntegrationGetsTheChange() {
        platform.delay(PLATFORM_DELAY, INTEGRATIONS);
        List<String> ids = IntStream.range(0, INTEGRATIONS).mapToObj(i -> uniqueId("slow")).toList();
        ids.forEach(id -> createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/%s"}, "auth": {"type": "none"},
                "mapping": [{"komo": "email", "external": "email"}]""".formatted(platform.baseUrl(), id)));
        String email = uniqueEmail("slow");
        createContact("{\"email\": \"%s\", \"firstName\": \"Sam\"}".formatted(email));

        await().atMost(Duration.ofSeconds(30)).until(() -> platform.received().size() >= 2);
        for (int i = 0; i < 3; i++) {
            operator().get("/api/contacts?limit=1").then().statusCode(200);
        }
        assertThat(platform.received()).as("batches waiting on the platform at once: the background share of the pool")
                .hasSize(2);

        // The batches that found no connection free for background work are delivered later: nothing is lost.
        await().atMost(Duration.ofSeconds(60)).until(() -> platform.recordsFor(email).size() == INTEGRATIONS);
        assertThat(platform.received().stream().map(WebhookReceiverFake.Received::path).distinct())
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(id -> "/" + id).toList());
    }

    /**
     * A backfill batch, too, holds its connection while the platform answers: while every connection background
     * work may hold is taken (here by the test), a run waits without sending, and goes on once one is free.
     */
    @Test
    void aRunWaitsWhileBackgroundWorkHoldsItsShareOfThePoolAndThenSendsItsContacts() throws Exception {
        String email = uniqueEmail("held");
        String id = integrationForOneNewContact(email);
        List<BackgroundConnections.Lease> held = new ArrayList<>();
        String runId;
        try {
            takeTheWholeShare(held);
            runId = operator().body("{\"type\": \"full\"}").post("/api/integrations/" + id + "/runs")
                    .then().statusCode(202).extract().path("id");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> platform.received().isEmpty());
            viewer().get("/api/integrations/" + id + "/runs/" + runId).then().body("status", equalTo("running"))
                    .body("processed", equalTo(0));
        } finally {
            held.forEach(BackgroundConnections.Lease::close);
        }

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs/" + runId)
                        .then().body("status", equalTo("completed")));
        assertThat(platform.recordsFor(email)).hasSize(1);
    }

    /**
     * A live test sync waits on the platform inside its transaction, as the feed does: it takes a connection from
     * the same share, so that such requests cannot take the connections kept for every other request. When the
     * share is taken it answers 503 with Retry-After, where it would otherwise have taken a kept connection.
     */
    @Test
    void aLiveTestSyncAnswers503WithRetryAfterWhileTheShareIsTakenAndSendsOnceOneIsFree() throws Exception {
        String email = uniqueEmail("busy");
        String id = integrationForOneNewContact(email);
        String live = "{\"limit\": 1, \"dryRun\": false}";
        List<BackgroundConnections.Lease> held = new ArrayList<>();
        try {
            takeTheWholeShare(held);
            operator().body(live).post("/api/integrations/" + id + "/test-sync").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "5")
                    .body("status", equalTo(503));
            operator().body("{\"limit\": 1, \"dryRun\": true}").post("/api/integrations/" + id + "/test-sync")
                    .then().statusCode(200);
            assertThat(platform.received()).isEmpty();
        } finally {
            held.forEach(BackgroundConnections.Lease::close);
        }

        operator().body(live).post("/api/integrations/" + id + "/test-sync").then().statusCode(200)
                .body("results[0].email", equalTo(email));
        assertThat(platform.recordsFor(email)).hasSize(1);
    }

    /** A dead-letter replay waits on the platform in its transaction too: 503 while the share is taken, then it goes. */
    @Test
    void aDeadLetterReplayAnswers503WhileTheShareIsTakenAndIsReplayedOnceOneIsFree() throws Exception {
        String email = uniqueEmail("replay");
        String id = integrationForOneNewContact(email);
        platform.answer(400, 1);
        operator().body("{\"limit\": 1, \"dryRun\": false}").post("/api/integrations/" + id + "/test-sync")
                .then().statusCode(200).body("results[0].action", equalTo("error"));
        String letter = viewer().get("/api/dead-letters?integration={i}&status=open", id).then().statusCode(200)
                .extract().path("items[0].id");
        List<BackgroundConnections.Lease> held = new ArrayList<>();
        try {
            takeTheWholeShare(held);
            operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", "5");
        } finally {
            held.forEach(BackgroundConnections.Lease::close);
        }

        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(200).body("status",
                equalTo("replayed"));
        assertThat(platform.recordsFor(email)).as("the rejected send and the replay; none while the share was taken")
                .hasSize(2);
    }

    /** A new contact, and an active integration whose scope is that contact only and that sends no change by itself. */
    private static String integrationForOneNewContact(String email) {
        createContact("{\"email\": \"%s\", \"firstName\": \"Hal\"}".formatted(email));
        String id = uniqueId("share");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/%s"}, "auth": {"type": "none"},
                "trigger": {"realtime": false}, "scope": {"filter": "email == '%s'"},
                "mapping": [{"komo": "email", "external": "email"}]""".formatted(platform.baseUrl(), id, email));
        return id;
    }

    /** Leases every connection of this profile's background share (two) into {@code held}. */
    private void takeTheWholeShare(List<BackgroundConnections.Lease> held) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            held.add(connections.lease(Duration.ofSeconds(30)).orElseThrow());
        }
    }
}
