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

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.spi.ActivityRecord;
import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.RecordingTestConnector;
import io.komo.sync.testing.SyncFixtures;

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

        String eventId = operator()
                .body("{\"type\": \"points.awarded\", \"contactId\": \"%s\", \"data\": {\"points\": 50}}"
                        .formatted(contactId))
                .post("/api/events").then().statusCode(201).extract().path("id");
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
        assertThat(viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath().getList("items"))
                .isEmpty();
    }

    @Test
    void outboundMirrorArchivesADeletedContactAndCreateOnlyLeavesItAlone() {
        String tier = uniqueTier();
        String mirror = uniqueId("mirror");
        String createOnly = uniqueId("create-only");
        for (String[] it : new String[][]{{mirror, "mirror", "archive"}, {createOnly, "create-only", "delete"}}) {
            createActive(it[0], """
                    "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/%s"}, "auth": {"type": "none"},
                    "mode": "%s", "onDelete": "%s", "scope": {"filter": "tier == '%s'"}, "mapping": %s"""
                    .formatted(platform.baseUrl(), it[1], it[1], it[2], tier, MAPPING));
        }
        String email = uniqueEmail("gone");
        String contactId = createContact("{\"email\": \"%s\", \"tier\": \"%s\"}".formatted(email, tier));
        await().atMost(WAIT).until(() -> platform.recordsFor(email).size() == 2);
        operator().body("{\"firstName\": \"Changed\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
        await().atMost(WAIT)
                .until(() -> platform.received().stream().filter(r -> r.path().equals("/mirror")).count() == 2);
        assertThat(platform.received()).filteredOn(r -> r.path().equals("/create-only"))
                .as("create-only sends a known contact no update").hasSize(1);

        operator().delete("/api/contacts/" + contactId).then().statusCode(204);
        await().atMost(WAIT).until(() -> platform.received().stream().anyMatch(r -> r.method().equals("DELETE")));
        await().during(Duration.ofSeconds(1)).atMost(WAIT)
                .until(() -> platform.received().stream().filter(r -> r.method().equals("DELETE")).count() == 1);
        List<WebhookReceiverFake.Received> deletes = platform.received().stream()
                .filter(r -> r.method().equals("DELETE")).toList();
        assertThat(deletes).as("mirror archives; create-only touches no existing record").hasSize(1);
        assertThat(deletes.get(0).url()).startsWith("/mirror?key=").endsWith("&archive=true");
    }

    @Test
    void inboundModesAndDeletesApplyToKomo() throws Exception {
        String archives = inbound("archives", "mirror", "archive");
        String deletes = inbound("deletes", "upsert", "delete");
        String updateOnly = inbound("update-only", "update-only", "ignore");

        String email = uniqueEmail("never");
        push(updateOnly, "{\"id\": \"u1\", \"email\": \"%s\", \"first_name\": \"New\"}".formatted(email));
        await().atMost(WAIT).until(() -> WebhookIntegrations.inboundNotYetApplied(dataSource, updateOnly) == 0);
        assertThat(viewer().queryParam("email", email).get("/api/contacts").jsonPath().getList("items"))
                .as("update-only never creates a Komo contact").isEmpty();

        String archived = receivedThenRemovedThenBack(archives);
        String deleted = receivedThenRemovedThenBack(deletes);
        assertThat(archived.split(" ")[1]).as("an archived record coming back brings its contact back")
                .isEqualTo(archived.split(" ")[0]);
        assertThat(deleted.split(" ")[1]).as("a deleted record coming back is a new contact")
                .isNotEqualTo(deleted.split(" ")[0]);
    }

    /** The contact's id when the record arrived, and after it was removed on the platform and pushed again. */
    private String receivedThenRemovedThenBack(String integrationId) throws Exception {
        String email = uniqueEmail(integrationId.substring(0, 6));
        String record = "{\"id\": \"r-%s\", \"email\": \"%s\", \"first_name\": \"Ann\"".formatted(integrationId, email);
        push(integrationId, record + "}");
        await().atMost(WAIT).until(() -> contactIdOf(email) != null);
        String first = contactIdOf(email);
        push(integrationId, record + ", \"deleted\": true}");
        await().atMost(WAIT).until(() -> contactIdOf(email) == null);
        viewer().get("/api/contacts/" + first).then().statusCode(404);
        push(integrationId, record + "}");
        await().atMost(WAIT).until(() -> contactIdOf(email) != null);
        return first + " " + contactIdOf(email);
    }

    private String inbound(String name, String mode, String onDelete) {
        String id = uniqueId(name);
        secrets.put(id, WebhookIntegrations.storeSigningSecret(id + "-signing"));
        createActive(id, """
                "direction": "inbound", "auth": {"type": "none", "secretCredential": "%s-signing"},
                "mode": "%s", "onDelete": "%s", "mapping": %s""".formatted(id, mode, onDelete, MAPPING));
        return id;
    }

    private final java.util.Map<String, String> secrets = new java.util.HashMap<>();

    private void push(String integrationId, String body) {
        WebhookIntegrations.pushSigned(integrationId, secrets.get(integrationId), body, java.time.Instant.now()).then()
                .statusCode(202);
    }

    private static String contactIdOf(String email) {
        return viewer().queryParam("email", email).get("/api/contacts").jsonPath().getString("items[0].id");
    }

    @Inject
    javax.sql.DataSource dataSource;

    private ActivityRecord activityOf(String eventId) {
        return recording.activities().stream().filter(a -> a.eventId().toString().equals(eventId)).findFirst()
                .orElse(null);
    }

    private static double skippedActivities(String integrationId) {
        String metrics = RestAssured.get("/q/metrics").asString();
        List<String> lines = metrics.lines().filter(l -> l.startsWith("komo_sync_activities_skipped_total")
                && l.contains("integration=\"" + integrationId + "\"")).toList();
        return lines.isEmpty() ? 0 : Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}
