package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.komo.sync.connector.spi.ActivityRecord;
import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.RecordingTestConnector;
import io.komo.sync.testing.SyncFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sync modes and deletes in both directions, and Komo events reaching the platform as activities. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class ModesDeletesAndActivitiesTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Inject
    SyncFixtures fixtures;

    @Inject
    RecordingTestConnector recording;

    private static String uniqueTier() {
        return "MD" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
    }

    @Test
    void komoEventsReachTheConnectorAsActivities() {
        String tier = uniqueTier();
        String id = uniqueId("activities");
        fixtures.startIntegration(id, RecordingTestConnector.PLATFORM, """
                {"id": "%s", "platform": "%s", "direction": "outbound", "scope": {"filter": "tier == '%s'"},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "tier", "external": "tier"}]}"""
                .formatted(id, RecordingTestConnector.PLATFORM, tier), IntegrationStatus.ACTIVE);
        String email = uniqueEmail("points");
        String contactId = createContact("{\"email\": \"%s\", \"tier\": \"%s\"}".formatted(email, tier));
        String outside = createContact("{\"email\": \"%s\", \"tier\": \"OTHER\"}".formatted(uniqueEmail("outside")));
        await().atMost(WAIT).until(() -> recording.received().stream().anyMatch(r -> email.equals(r.key())));

        String eventId = operator().body("{\"type\": \"points.awarded\", \"contactId\": \"%s\", \"data\": {\"points\": 50}}"
                .formatted(contactId)).post("/api/events").then().statusCode(201).extract().path("id");
        operator().body("{\"type\": \"form.submitted\", \"contactId\": \"%s\", \"data\": {\"form\": \"survey\"}}"
                .formatted(outside)).post("/api/events").then().statusCode(201);

        await().atMost(WAIT).until(() -> activityOf(eventId) != null);
        ActivityRecord activity = activityOf(eventId);
        assertThat(activity.type()).isEqualTo("points.awarded");
        assertThat(activity.contactId()).hasToString(contactId);
        assertThat(activity.key()).isEqualTo(email);
        assertThat(activity.externalId()).as("the platform id its upsert answered").isEqualTo("ext-" + contactId);
        assertThat(activity.data()).containsEntry("points", 50);
        assertThat(recording.activities()).as("a contact outside the scope sends none")
                .noneMatch(a -> a.contactId().toString().equals(outside));
        await().atMost(WAIT).until(() -> viewer().queryParam("integration", id).queryParam("contact", contactId)
                .get("/api/logs").jsonPath().getList("items.operation").contains("activity.points.awarded"));
    }

    @Test
    void aPlatformWithoutActivitiesSkipsAndCountsThemWithoutFailing() {
        String tier = uniqueTier();
        String id = uniqueId("no-activities");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                "scope": {"filter": "tier == '%s'"}, "mapping": %s""".formatted(platform.baseUrl(), tier, MAPPING));
        String email = uniqueEmail("skipped");
        String contactId = createContact("{\"email\": \"%s\", \"tier\": \"%s\"}".formatted(email, tier));
        await().atMost(WAIT).until(() -> !platform.recordsFor(email).isEmpty());
        operator().body("{\"type\": \"competition.entered\", \"contactId\": \"%s\"}".formatted(contactId))
                .post("/api/events").then().statusCode(201);
        await().atMost(WAIT).until(() -> skippedActivities(id) >= 1);
        assertThat(viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath().getList("items")).isEmpty();
    }

    private ActivityRecord activityOf(String eventId) {
        return recording.activities().stream().filter(a -> a.eventId().toString().equals(eventId)).findFirst().orElse(null);
    }

    private static double skippedActivities(String integrationId) {
        String metrics = RestAssured.get("/q/metrics").asString();
        List<String> lines = metrics.lines().filter(l -> l.startsWith("komo_sync_activities_skipped_total")
                && l.contains("integration=\"" + integrationId + "\"")).toList();
        return lines.isEmpty() ? 0 : Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}
