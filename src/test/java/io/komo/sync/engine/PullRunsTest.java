package io.komo.sync.engine;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ProductionPath;
import io.komo.sync.testing.ReadableTestConnector;
import io.komo.sync.testing.SyncFixtures;

/**
 * Pulls: runs that read the platform's changed records ({@code readChangedSince}) and apply them to Komo through the
 * inbound merge, started by hand or by a schedule; and the integration's scope applied to what comes in.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class PullRunsTest {

    /** Well in the past, so that nothing the engine itself writes to the platform during a test is mistaken for it. */
    private static final Instant T = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));

    @Inject
    SyncFixtures fixtures;

    @Inject
    ReadableTestConnector platform;

    /** The last name that puts a contact in this test's scope; the database is shared by all tests. */
    private String scope;

    @BeforeEach
    void newScope() {
        scope = "pull" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An active integration on the readable test platform, reading pages of 2 records. */
    private String integration(String direction, String trigger) {
        String id = "pull-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"id": "%s", "platform": "%s", "name": "test", "direction": "%s", "batchSize": 2,
                 "trigger": {"realtime": false%s}, "scope": {"filter": "lastName == '%s'"},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
                             {"komo": "lastName", "external": "last_name"}],
                 "retry": {"maxAttempts": 3, "initialDelay": "1s", "maxDelay": "1s"}}
                """.formatted(id, ReadableTestConnector.PLATFORM, direction, trigger, scope);
        return fixtures.startIntegration(id, ReadableTestConnector.PLATFORM, definition, IntegrationStatus.ACTIVE);
    }

    /** A record changed on the platform at {@code at}, in scope; its email is {@code p-<externalId>-...}. */
    private String record(String integration, String externalId, String firstName, Instant at) {
        return record(integration, externalId, firstName, scope, at);
    }

    private String record(String integration, String externalId, String firstName, String lastName, Instant at) {
        String email = uniqueEmail("p-" + externalId);
        platform.changed(integration, externalId, fields(email, firstName, lastName), at);
        return email;
    }

    private static Map<String, Object> fields(String email, String firstName, String lastName) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("email", email);
        fields.put("first_name", firstName);
        fields.put("last_name", lastName);
        return fields;
    }

    private static String start(String integration, String body) {
        return operator().body(body).post("/api/integrations/{id}/runs", integration).then().statusCode(202)
                .body("direction", equalTo("inbound")).extract().path("id");
    }

    private static JsonPath completed(String integration, String runId) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> viewer()
                .get("/api/integrations/{id}/runs/{run}", integration, runId).then()
                .body("status", equalTo("completed")));
        return viewer().get("/api/integrations/{id}/runs/{run}", integration, runId).jsonPath();
    }

    private int contacts(String email, String firstName) {
        return fixtures.count("SELECT count(*) FROM contact WHERE email = ? AND first_name = ? AND deleted_at IS NULL",
                email, firstName);
    }

    @Test
    void aPullImportsChangedRecordsThenTheNextReadsOnlyWhatChangedSinceItsWatermarkLessTheOverlap() {
        String id = integration("inbound", "");
        String ann = record(id, "1", "Ann", T.minus(Duration.ofHours(2)));
        String bob = record(id, "2", "Bob", T.minus(Duration.ofHours(1)));
        String cat = record(id, "3", "Cat", T);

        // No pull before: an incremental pull reads everything, through the inbound merge.
        String first = start(id, "{\"type\": \"incremental\"}");
        JsonPath run = completed(id, first);
        assertThat(run.getLong("total")).isEqualTo(3);
        assertThat(run.getLong("succeeded")).isEqualTo(3);
        assertThat(run.getLong("failed")).isZero();
        assertThat(run.getString("type")).isEqualTo("incremental");
        assertThat(contacts(ann, "Ann") + contacts(bob, "Bob") + contacts(cat, "Cat")).isEqualTo(3);
        assertThat(
                fixtures.count("SELECT count(*) FROM sync_run WHERE id = ? AND watermark = ?", UUID.fromString(first),
                        Timestamp.from(T)))
                .as("the watermark is the newest change time read").isEqualTo(1);

        // Ann changed on the platform without a new change time: a pull that re-read everything would take it.
        platform.changed(id, "1", fields(ann, "Annie", scope), T.minus(Duration.ofHours(2)));
        String dan = record(id, "4", "Dan", T); // changed exactly at the watermark
        String eve = record(id, "5", "Eve", T.minus(Duration.ofMinutes(2))); // committed late, within the overlap
        String fay = record(id, "6", "Fay", T.plus(Duration.ofMinutes(30)));

        JsonPath second = completed(id, start(id, "{\"type\": \"incremental\"}"));
        assertThat(second.getLong("total")).as("Cat (re-read in the overlap), Dan, Eve and Fay").isEqualTo(4);
        assertThat(contacts(dan, "Dan") + contacts(eve, "Eve") + contacts(fay, "Fay")).isEqualTo(3);
        assertThat(contacts(ann, "Ann")).as("changed before the watermark less the overlap: not read").isEqualTo(1);
        assertThat(viewer().get("/api/integrations/{id}/runs", id).jsonPath().getList("items.direction"))
                .containsExactly("inbound", "inbound");
    }

    @Test
    void fullAndDateRangePullsImportHistoryFromThePlatformOfABidirectionalIntegration() {
        String id = integration("bidirectional", "");
        String old = record(id, "1", "Old", T.minus(Duration.ofDays(30)));
        String mid = record(id, "2", "Mid", T.minus(Duration.ofDays(3)));
        String recent = record(id, "3", "Recent", T);

        // A bidirectional integration's run sends by default; "direction": "inbound" pulls.
        String range = start(id, """
                {"type": "date-range", "direction": "inbound", "from": "%s", "to": "%s"}"""
                .formatted(T.minus(Duration.ofDays(5)), T.minus(Duration.ofDays(1))));
        assertThat(completed(id, range).getLong("total")).isEqualTo(1);
        assertThat(contacts(mid, "Mid")).isEqualTo(1);
        assertThat(contacts(old, "Old") + contacts(recent, "Recent")).isZero();

        JsonPath full = completed(id, start(id, "{\"type\": \"full\", \"direction\": \"inbound\"}"));
        assertThat(full.getLong("total")).isEqualTo(3);
        assertThat(full.getLong("succeeded")).isEqualTo(3);
        assertThat(contacts(old, "Old") + contacts(mid, "Mid") + contacts(recent, "Recent")).isEqualTo(3);
    }

    @Test
    void aPulledRecordThatCannotBeMappedCountsAsFailedIsDeadLetteredAndRaisesSyncFailed() {
        String id = integration("inbound", "");
        String good = record(id, "1", "Good", T);
        Map<String, Object> unmappable = fields(uniqueEmail("p-2"), null, scope);
        unmappable.put("first_name", Map.of("not", "text")); // a first name must be text
        platform.changed(id, "2", unmappable, T);

        JsonPath run = completed(id, start(id, "{\"type\": \"full\"}"));
        assertThat(run.getLong("total")).isEqualTo(2);
        assertThat(run.getLong("succeeded")).as("applied").isEqualTo(1);
        assertThat(run.getLong("failed")).as("dead-lettered by the mapping").isEqualTo(1);
        assertThat(contacts(good, "Good")).isEqualTo(1);
        assertThat(viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath().getList("items.stage"))
                .containsExactly("map");
        assertThat(viewer().queryParam("integration", id).queryParam("type", "error").get("/api/logs").jsonPath()
                .getList("items.operation")).contains("sync.failed");
    }

    @Test
    void aPageTheRunCouldNotReadLeavesCursorAndWatermarkWhereTheyWereAndIsReadAgain() {
        String id = integration("inbound", "");
        List<String> emails = List.of(record(id, "1", "A", T.minus(Duration.ofMinutes(5))),
                record(id, "2", "B", T.minus(Duration.ofMinutes(4))),
                record(id, "3", "C", T.minus(Duration.ofMinutes(3))),
                record(id, "4", "D", T.minus(Duration.ofMinutes(2))),
                record(id, "5", "E", T.minus(Duration.ofMinutes(1))));
        platform.failReadsAt(id, "2"); // the second page (records 3 and 4) answers 503

        String runId = start(id, "{\"type\": \"full\"}");
        // The first page is stored and applied; the run keeps trying the second from where it committed.
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts(emails.get(1), "B") == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> fixtures.count(
                "SELECT count(*) FROM sync_run WHERE id = ? AND status = 'running' AND checkpoint = '2' AND watermark = ?",
                UUID.fromString(runId), Timestamp.from(T.minus(Duration.ofMinutes(4)))) == 1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", emails.get(2))).isZero();

        platform.recover(id);
        JsonPath run = completed(id, runId);
        assertThat(run.getLong("total")).isEqualTo(5);
        assertThat(run.getLong("succeeded")).isEqualTo(5);
        for (String email : emails) {
            assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", email)).as(email).isEqualTo(1);
        }
    }

    @Test
    void aSchedulePullsThePlatformOfAnInboundIntegration() {
        String id = integration("inbound", ", \"schedule\": \"0/1 * * * * ?\"");
        String ann = record(id, "1", "Ann", T);
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts(ann, "Ann") == 1);
        JsonPath runs = viewer().get("/api/integrations/{id}/runs", id).jsonPath();
        assertThat(runs.getList("items.type")).contains("incremental");
        assertThat(runs.getList("items.direction")).containsOnly("inbound");
        assertThat(
                fixtures.count("SELECT count(*) FROM sync_run WHERE integration_id = ? AND scheduled_for IS NOT NULL",
                        id))
                .isPositive();
    }

    @Test
    void aPlatformRecordOutsideTheScopeIsNotAppliedAndTheLogSaysSo() {
        String id = integration("inbound", "");
        String inside = record(id, "1", "In", T);
        String outside = record(id, "2", "Out", "someone-else", T);
        // A Komo contact in scope whose platform record leaves the scope: judged as it would be after the change.
        String leaving = uniqueEmail("leaving");
        createContact("{\"email\": \"%s\", \"firstName\": \"Lea\", \"lastName\": \"%s\"}".formatted(leaving, scope));
        platform.changed(id, "3", fields(leaving, "Leah", "moved-away"), T);

        JsonPath run = completed(id, start(id, "{\"type\": \"full\"}"));
        assertThat(run.getLong("succeeded")).isEqualTo(3);
        assertThat(contacts(inside, "In")).isEqualTo(1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", outside)).isZero();
        assertThat(
                fixtures.count("SELECT count(*) FROM contact WHERE email = ? AND first_name = 'Lea' AND last_name = ?",
                        leaving, scope))
                .isEqualTo(1);
        List<String> skipped = viewer().queryParam("integration", id).get("/api/logs").jsonPath()
                .getList("items.findAll { it.operation == 'contact.received.skipped' }.externalId");
        assertThat(skipped).containsExactlyInAnyOrder("2", "3");
    }

    @Test
    void aPullThatCannotBeIsAProblem() {
        String outboundOnly = fixtures.startIntegration("pull-out", IntegrationStatus.ACTIVE);
        operator().body("{\"type\": \"full\", \"direction\": \"inbound\"}")
                .post("/api/integrations/{id}/runs", outboundOnly)
                .then().statusCode(409);
        String id = integration("inbound", "");
        operator().body("{\"type\": \"selective\", \"filter\": \"tier == 'GOLD'\"}")
                .post("/api/integrations/{id}/runs", id)
                .then().statusCode(400).body("errors[0].field", equalTo("type"));
        operator().body("{\"type\": \"full\", \"direction\": \"sideways\"}").post("/api/integrations/{id}/runs", id)
                .then().statusCode(400).body("errors[0].field", equalTo("direction"));
        operator().body("{\"type\": \"full\", \"direction\": \"outbound\"}").post("/api/integrations/{id}/runs", id)
                .then().statusCode(409);
    }
}
