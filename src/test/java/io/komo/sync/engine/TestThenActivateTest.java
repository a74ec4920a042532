package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/** Test, then activate: draft → testing (a test sync) → active (only after a live test passed, or an admin's force). */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class TestThenActivateTest {

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    /** A draft sending the contacts of one tier, and two such contacts. */
    private String draftWithContacts(String tier) {
        String id = uniqueId("tested");
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "outbound",
                 "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                 "scope": {"filter": "tier == '%s'"}, "mapping": %s}""".formatted(id, platform.baseUrl(), tier,
                MAPPING))
                .post("/api/integrations").then().statusCode(201).body("status", equalTo("draft"))
                .body("nextSteps", contains("test-sync", "activate-force"));
        for (int i = 0; i < 2; i++) {
            operator()
                    .body("{\"email\": \"%s%d@example.com\", \"tier\": \"%s\"}".formatted(tier.toLowerCase(), i, tier))
                    .post("/api/contacts").then().statusCode(201);
        }
        return id;
    }

    private static String uniqueTier() {
        return "TA" + uniqueId("t").substring(2, 10).toUpperCase().replace("-", "");
    }

    @Test
    void aDraftIsTestedDryThenLiveBeforeItActivates() {
        String id = draftWithContacts(uniqueTier());
        String path = "/api/integrations/" + id;

        operator().post(path + "/activate").then().statusCode(409).contentType("application/problem+json")
                .body("currentStatus", equalTo("draft"))
                .body("allowedNextSteps", contains("test-sync", "activate-force"));

        operator().body("{\"limit\": 2, \"dryRun\": true}").post(path + "/test-sync").then().statusCode(200)
                .body("$", not(hasKey("inbound"))); // an integration that only sends answers as before
        viewer().get(path).then().body("status", equalTo("testing")).body("lastTest.dryRun", equalTo(true))
                .body("lastTest.contacts", equalTo(2)).body("lastTest.outcomes.create", equalTo(2))
                .body("lastTest.passed", equalTo(false)).body("nextSteps", contains("test-sync", "activate-force"));
        operator().post(path + "/activate").then().statusCode(409).body("currentStatus", equalTo("testing"))
                .body("detail", containsString("did not pass live"));
        assertThat(platform.received()).as("a dry run sends nothing").isEmpty();

        operator().body("{\"limit\": 2, \"dryRun\": false}").post(path + "/test-sync").then().statusCode(200);
        viewer().get(path).then().body("status", equalTo("testing")).body("lastTest.dryRun", equalTo(false))
                .body("lastTest.outcomes.created", equalTo(2)).body("lastTest.passed", equalTo(true))
                .body("nextSteps", contains("test-sync", "activate"));
        assertThat(platform.records()).hasSize(2);

        operator().post(path + "/activate").then().statusCode(200).body("status", equalTo("active"));
        List<Map<String, Object>> audit = admin().queryParam("integration", id).queryParam("type", "audit")
                .get("/api/logs").jsonPath().getList("items");
        assertThat(audit).extracting(e -> e.get("operation")).containsExactly("integration.activated",
                "integration.tested", "integration.testing", "integration.tested", "integration.created");
    }

    @Test
    void aFailedLiveTestDoesNotActivate() {
        String id = draftWithContacts(uniqueTier());
        String path = "/api/integrations/" + id;
        platform.answer(400, 10);
        operator().body("{\"limit\": 2, \"dryRun\": false}").post(path + "/test-sync").then().statusCode(200);
        JsonPath view = viewer().get(path).jsonPath();
        assertThat(view.getString("status")).isEqualTo("testing");
        assertThat(view.getInt("lastTest.errors")).isEqualTo(2);
        assertThat(view.getBoolean("lastTest.passed")).isFalse();
        operator().post(path + "/activate").then().statusCode(409).body("allowedNextSteps",
                contains("test-sync", "activate-force"));
    }

    @Test
    void aChangedDefinitionIsTestedAgain() {
        String id = draftWithContacts(uniqueTier());
        String path = "/api/integrations/" + id;
        operator().body("{\"limit\": 1, \"dryRun\": false}").post(path + "/test-sync").then().statusCode(200);
        JsonPath definition = viewer().get(path).jsonPath();
        Map<String, Object> changed = definition.getMap("definition");
        changed.put("name", "Renamed after the test");
        admin().body(changed).put(path).then().statusCode(200).body("status", equalTo("draft"))
                .body("lastTest", nullValue());
        operator().post(path + "/activate").then().statusCode(409).body("currentStatus", equalTo("draft"));
    }

    @Test
    void onlyAnAdminForcesAnActivationAndGivesAReason() {
        String id = draftWithContacts(uniqueTier());
        String path = "/api/integrations/" + id;
        operator().body("{\"force\": true, \"reason\": \"no time\"}").post(path + "/activate").then().statusCode(403)
                .contentType("application/problem+json");
        admin().body("{\"force\": true}").post(path + "/activate").then().statusCode(400)
                .body("errors[0].field", equalTo("reason"));
        admin().body("{\"force\": \"yes\"}").post(path + "/activate").then().statusCode(400)
                .body("errors[0].field", equalTo("force"));
        admin().body("{\"force\": true, \"reason\": \"the platform has no sandbox\"}").post(path + "/activate")
                .then().statusCode(200).body("status", equalTo("active")).body("lastTest", nullValue());
        List<Map<String, Object>> audit = admin().queryParam("integration", id).queryParam("type", "audit")
                .get("/api/logs").jsonPath().getList("items");
        assertThat(audit.get(1)).containsEntry("operation", "integration.test.skipped")
                .containsEntry("newValue", "the platform has no sandbox").containsEntry("actor", "test-admin");
    }
}
