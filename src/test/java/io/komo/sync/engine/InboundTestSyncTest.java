package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ReadableTestConnector;
import io.komo.sync.testing.SyncFixtures;

/**
 * The inbound half of test, then activate: a draft that receives is tested on the first N records of its platform (a
 * dry run shows what they would do in Komo and writes nothing; live applies exactly those), and only a live test
 * that failed none lets it activate. A platform that only pushes cannot be tested by reading.
 */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class InboundTestSyncTest {

    @RegisterExtension
    static final WebhookReceiverFake webhookPlatform = WebhookReceiverFake.eachTest();

    @Inject
    ReadableTestConnector platform;

    @Inject
    SyncFixtures fixtures;

    /** The last name that puts a contact in this test's scope; the database is shared by all tests. */
    private String scope;

    @BeforeEach
    void newScope() {
        scope = "its" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A draft on the readable test platform, created through the API. */
    private String draft(String direction) {
        String id = uniqueId("intest");
        admin().body("""
                {"id": "%s", "platform": "%s", "direction": "%s", "scope": {"filter": "lastName == '%s'"},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
                             {"komo": "lastName", "external": "last_name"}]}"""
                .formatted(id, ReadableTestConnector.PLATFORM, direction, scope))
                .post("/api/integrations").then().statusCode(201).body("status", equalTo("draft"));
        return id;
    }

    private void record(String integration, String externalId, String email, Object firstName, String lastName) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("email", email);
        fields.put("first_name", firstName);
        fields.put("last_name", lastName);
        platform.changed(integration, externalId, fields, Instant.now());
    }

    private int contacts(String email, String firstName) {
        return fixtures.count("SELECT count(*) FROM contact WHERE email = ? AND first_name = ? AND deleted_at IS NULL",
                email, firstName);
    }

    private static JsonPath testSync(String id, boolean dryRun) {
        return operator().body("{\"limit\": 3, \"dryRun\": %s}".formatted(dryRun))
                .post("/api/integrations/" + id + "/test-sync").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void anInboundDraftIsTestedDryThenLiveOnTheFirstRecordsOfItsPlatformBeforeItActivates() {
        String id = draft("inbound");
        String path = "/api/integrations/" + id;
        String known = uniqueEmail("known");
        operator().body("{\"email\": \"%s\", \"firstName\": \"Old\", \"lastName\": \"%s\"}".formatted(known, scope))
                .post("/api/contacts").then().statusCode(201);
        String fresh = uniqueEmail("fresh");
        String outside = uniqueEmail("outside");
        String fourth = uniqueEmail("fourth");
        record(id, "1", known, "New", scope);
        record(id, "2", fresh, "Fresh", scope);
        record(id, "3", outside, "Out", "elsewhere");
        record(id, "4", fourth, "Fourth", scope); // beyond the limit of 3

        JsonPath dry = testSync(id, true);
        assertThat(dry.getInt("contacts")).as("an inbound-only integration sends nothing").isZero();
        assertThat(dry.getBoolean("inbound.tested")).isTrue();
        assertThat(dry.getInt("inbound.records")).isEqualTo(3);
        assertThat(dry.getList("inbound.results.action")).containsExactly("update", "create", "skip");
        assertThat(dry.getList("inbound.results.externalId")).containsExactly("1", "2", "3");
        assertThat(dry.getList("inbound.results[0].changes")).containsExactly(
                Map.of("field", "firstName", "from", "Old", "to", "New"));
        assertThat(dry.getList("inbound.results[1].changes.field")).contains("email", "firstName", "lastName");
        assertThat(dry.getString("inbound.results[2].reason")).contains("scope");
        assertThat(contacts(known, "Old") + contacts(known, "New") * 10).as("a dry run writes nothing").isEqualTo(1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", fresh)).isZero();
        assertThat(fixtures.count("SELECT count(*) FROM sync_log WHERE integration_id = ? AND type <> 'audit'", id))
                .isZero();
        viewer().get(path).then().body("status", equalTo("testing")).body("lastTest.inbound.records", equalTo(3))
                .body("lastTest.inbound.outcomes.create", equalTo(1)).body("lastTest.passed", equalTo(false));
        operator().post(path + "/activate").then().statusCode(409).body("detail", containsString("did not pass live"));

        JsonPath live = testSync(id, false);
        assertThat(live.getList("inbound.results.action")).containsExactly("updated", "created", "skipped");
        assertThat(contacts(known, "New")).isEqualTo(1);
        assertThat(contacts(fresh, "Fresh")).isEqualTo(1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email IN (?, ?)", outside, fourth))
                .as("out of scope, and beyond the limit").isZero();
        viewer().get(path).then().body("lastTest.dryRun", equalTo(false))
                .body("lastTest.inbound.outcomes.updated", equalTo(1))
                .body("lastTest.errors", equalTo(0)).body("lastTest.passed", equalTo(true))
                .body("nextSteps", contains("test-sync", "activate"));
        operator().post(path + "/activate").then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    void aRecordThatFailsFailsTheTestAppliesNoneOfItsRecordsAndActivationStaysRefused() {
        String id = draft("inbound");
        String path = "/api/integrations/" + id;
        String good = uniqueEmail("good");
        record(id, "1", good, "Good", scope);
        record(id, "2", uniqueEmail("bad"), Map.of("not", "a name"), scope);

        JsonPath dry = testSync(id, true);
        assertThat(dry.getList("inbound.results.action")).containsExactly("create", "error");
        assertThat(dry.getString("inbound.results[1].reason")).contains("cannot be mapped");

        JsonPath live = testSync(id, false);
        assertThat(live.getList("inbound.results.action")).containsExactly("rolled-back", "error");
        assertThat(contacts(good, "Good")).as("a failed live test commits none of its records").isZero();
        assertThat(fixtures.count("SELECT count(*) FROM dead_letter WHERE integration_id = ?", id)).isZero();
        viewer().get(path).then().body("lastTest.errors", equalTo(1)).body("lastTest.passed", equalTo(false));
        operator().post(path + "/activate").then().statusCode(409).body("allowedNextSteps",
                contains("test-sync", "activate-force"));
    }

    @Test
    void aPlatformThatCannotBeReadFailsTheTestWith502() {
        String id = draft("inbound");
        record(id, "1", uniqueEmail("unread"), "Una", scope);
        platform.failReadsAt(id, null);
        operator().body("{\"limit\": 3, \"dryRun\": false}").post("/api/integrations/" + id + "/test-sync").then()
                .statusCode(502).contentType("application/problem+json")
                .body("detail", containsString("could not read"));
        viewer().get("/api/integrations/" + id).then().body("status", equalTo("testing"))
                .body("lastTest.errors", equalTo(1)).body("lastTest.passed", equalTo(false));
    }

    @Test
    void aBidirectionalTestSyncTestsBothDirections() {
        String id = draft("bidirectional");
        String komoSide = uniqueEmail("komo-side");
        operator().body("{\"email\": \"%s\", \"firstName\": \"Kim\", \"lastName\": \"%s\"}".formatted(komoSide, scope))
                .post("/api/contacts").then().statusCode(201);
        String platformSide = uniqueEmail("platform-side");
        record(id, "p1", platformSide, "Pat", scope);

        JsonPath live = testSync(id, false);
        assertThat(live.getInt("contacts")).isEqualTo(1);
        assertThat(live.getList("results.action")).containsExactly("created");
        assertThat(live.getList("inbound.results.action")).containsExactly("created");
        assertThat(platform.records(id).values()).extracting(r -> r.get("email")).contains(komoSide);
        assertThat(contacts(platformSide, "Pat")).isEqualTo(1);
        viewer().get("/api/integrations/" + id).then().body("lastTest.outcomes.created", equalTo(1))
                .body("lastTest.inbound.outcomes.created", equalTo(1)).body("lastTest.passed", equalTo(true));
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(200);
    }

    @Test
    void aPushOnlyPlatformSaysItsInboundHalfCannotBeTestedAndItStillNeedsForce() {
        String id = uniqueId("intest-push");
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "inbound", "endpoint": {"baseUrl": "%s"},
                 "auth": {"type": "none"}, "mapping": [{"komo": "email", "external": "email"}]}"""
                .formatted(id, webhookPlatform.baseUrl())).post("/api/integrations").then().statusCode(201);

        JsonPath live = testSync(id, false);
        assertThat(live.getBoolean("inbound.tested")).isFalse();
        assertThat(live.getString("inbound.note")).contains("cannot be read", "signed test webhook", "/webhooks/" + id);
        viewer().get("/api/integrations/" + id).then().body("lastTest.inbound.tested", equalTo(false))
                .body("lastTest.passed", equalTo(false));
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(409);
        List<String> steps = viewer().get("/api/integrations/" + id).jsonPath().getList("nextSteps");
        assertThat(steps).contains("activate-force");
    }
}
