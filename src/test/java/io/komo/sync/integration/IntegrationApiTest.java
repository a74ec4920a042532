package io.komo.sync.integration;

import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.forceActivate;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.TestPlatformConnector;

@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class IntegrationApiTest {

    @Inject
    DefinitionLoader loader;

    @Inject
    DataSource dataSource;

    /** Tests share one database across runs, so every integration gets an id no earlier run used. */
    private static String uniqueId(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String definition(String id, String name) {
        return """
                {"id": "%s", "platform": "%s", "name": "%s", "direction": "outbound",
                 "trigger": {"realtime": true, "schedule": "0 0 * * * ?", "timezone": "Europe/London"},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"}]}
                """.formatted(id, TestPlatformConnector.PLATFORM, name);
    }

    private static String create(String id) {
        admin().body(definition(id, "Created by a test")).post("/api/integrations").then().statusCode(201);
        return id;
    }

    private static List<Map<String, Object>> auditOf(String id) {
        return viewer().queryParam("type", "audit").queryParam("integration", id).get("/api/logs")
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    @Test
    void aConflictRuleForAFieldNotMappedYetIsKeptWithAWarning() {
        String id = uniqueId("rules");
        String withRules = definition(id, "Rules ahead of the mapping").replace("\"mapping\"",
                "\"conflicts\": {\"default\": \"two-way\", \"fields\": {\"lifecycleStage\": \"prefer-external-unless-blank\","
                        + " \"first_name\": \"prefer-komo\"}}, \"mapping\"");
        admin().body(withRules).post("/api/integrations").then().statusCode(201)
                .body("definition.conflicts.fields.lifecycleStage", equalTo("prefer-external-unless-blank"))
                .body("warnings.size()", equalTo(1))
                .body("warnings[0]", containsString("conflicts.fields.lifecycleStage"));

        // Once the mapping maps it, by either name, the warning goes.
        String mapped = withRules.replace("{\"komo\": \"firstName\", \"external\": \"first_name\"}",
                "{\"komo\": \"firstName\", \"external\": \"first_name\"}, {\"komo\": \"properties.stage\", \"external\": \"lifecycleStage\"}");
        admin().body(mapped).put("/api/integrations/" + id).then().statusCode(200).body("warnings.size()", equalTo(0));
    }

    @Test
    void anAdminCreatesReadsListsReplacesAndDeletesAnIntegration() {
        String id = uniqueId("crud");
        admin().body(definition(id, "First name")).post("/api/integrations")
                .then().statusCode(201).header("Location", endsWith("/api/integrations/" + id))
                .body("id", equalTo(id)).body("status", equalTo("draft"))
                .body("definition.trigger.timezone", equalTo("Europe/London"));

        viewer().get("/api/integrations/" + id).then().statusCode(200)
                .body("platform", equalTo(TestPlatformConnector.PLATFORM)).body("name", equalTo("First name"))
                .body("definition.mapping[1].external", equalTo("first_name"));

        admin().body(definition(id, "Again")).post("/api/integrations")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString(id));

        // The path gives the id, so the body may leave it out.
        admin().body(definition(id, "Second name").replace("\"id\": \"" + id + "\",", ""))
                .put("/api/integrations/" + id)
                .then().statusCode(200).body("name", equalTo("Second name")).body("status", equalTo("draft"));
        assertThat(viewer().get("/api/integrations/" + id).jsonPath().getString("definition.name"))
                .isEqualTo("Second name");

        admin().delete("/api/integrations/" + id).then().statusCode(204);
        viewer().get("/api/integrations/" + id).then().statusCode(404).contentType("application/problem+json");
        admin().delete("/api/integrations/" + id).then().statusCode(404);
    }

    @Test
    void theListIsPaginatedByIdAndShowsEachStatus() {
        String prefix = "page-" + UUID.randomUUID().toString().substring(0, 8);
        create(prefix + "-a");
        create(prefix + "-b");
        create(prefix + "-c");
        forceActivate(prefix + "-b");

        // Start just before the three, read two at a time.
        JsonPath first = viewer().queryParam("limit", 2).queryParam("cursor", prefix).get("/api/integrations")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id")).containsExactly(prefix + "-a", prefix + "-b");
        assertThat(first.getList("items.status")).containsExactly("draft", "active");
        String cursor = first.getString("nextCursor");
        assertThat(cursor).isEqualTo(prefix + "-b");

        JsonPath second = viewer().queryParam("limit", 2).queryParam("cursor", cursor).get("/api/integrations")
                .jsonPath();
        assertThat(second.getList("items.id").get(0)).isEqualTo(prefix + "-c");

        viewer().queryParam("limit", 0).get("/api/integrations").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
    }

    /** API.md lists integrations "with status and health": each item has the health its status endpoint shows. */
    @Test
    void theListShowsEachIntegrationsHealthAsItsStatusDoes() throws Exception {
        String id = uniqueId("health");
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "outbound", "auth": {"type": "none"},
                 "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"}, "trigger": {"realtime": false},
                 "mapping": [{"komo": "email", "external": "email"}]}""".formatted(id))
                .post("/api/integrations").then().statusCode(201).body("health", equalTo("inactive"));
        assertThat(listedHealth(id)).isEqualTo("inactive");
        viewer().get("/api/integrations/" + id).then().body("health", equalTo("inactive"));

        io.komo.sync.testing.Api.forceActivate(id); // the test is about health, not the test sync before activation
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> viewer().get("/api/integrations/" + id + "/status")
                .then().statusCode(200).body("health", equalTo("healthy")));
        assertThat(listedHealth(id)).isEqualTo("healthy");
        viewer().get("/api/integrations/" + id).then().body("health", equalTo("healthy"));

        // An open dead letter is a warning, on the status endpoint and in the list alike.
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO dead_letter (id, integration_id, stage, status, created_at, updated_at) "
                                + "VALUES (?, ?, 'deliver', 'open', now(), now())")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, id);
            insert.executeUpdate();
        }
        viewer().get("/api/integrations/" + id + "/status").then().body("health", equalTo("warning"));
        assertThat(listedHealth(id)).isEqualTo("warning");
        viewer().get("/api/integrations/" + id).then().body("health", equalTo("warning"));
    }

    private static String listedHealth(String id) {
        List<Map<String, Object>> items = viewer().queryParam("limit", 1000).get("/api/integrations")
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(item -> id.equals(item.get("id"))).map(item -> (String) item.get("health"))
                .findFirst().orElseThrow(() -> new AssertionError(id + " is not listed"));
    }

    @Test
    void everyProblemOfADefinitionIsNamedInOneAnswer() {
        String body = """
                {"id": "%s", "platform": "no-such-platform", "plattform": "typo", "direction": "sideways",
                 "trigger": {"schedule": "every hour", "timezone": "Mars/Olympus"},
                 "mapping": [{"komo": "shoeSize", "external": "shoe_size"}]}
                """.formatted(uniqueId("invalid"));

        JsonPath problem = admin().body(body).post("/api/integrations")
                .then().statusCode(400).contentType("application/problem+json").extract().jsonPath();

        Map<String, String> errors = new java.util.HashMap<>();
        problem.<Map<String, String>>getList("errors").forEach(e -> errors.put(e.get("field"), e.get("message")));
        assertThat(errors).containsOnlyKeys("platform", "plattform", "direction", "trigger.schedule",
                "trigger.timezone",
                "mapping[0].komo");
        assertThat(errors.get("platform")).contains("unknown platform 'no-such-platform'")
                .contains(TestPlatformConnector.PLATFORM);
        assertThat(errors.get("plattform")).startsWith("unknown key 'plattform'");
        assertThat(errors.get("direction")).contains("'sideways'").contains("bidirectional");
        assertThat(errors.get("trigger.schedule")).contains("Quartz cron");
        assertThat(errors.get("trigger.timezone")).contains("Mars/Olympus");
        assertThat(errors.get("mapping[0].komo")).contains("unknown Komo field 'shoeSize'");
        assertThat(problem.getString("detail")).isEqualTo("6 fields are invalid");
    }

    @Test
    void aReplacementIsValidatedAndMayNotRenameTheIntegration() {
        String id = create(uniqueId("replace"));
        admin().body(definition("another-id", "x")).put("/api/integrations/" + id)
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
        admin().body("[]").put("/api/integrations/" + id).then().statusCode(400);
        admin().body(definition(id, "x")).put("/api/integrations/no-such-integration").then().statusCode(404);
    }

    @Test
    void theLifecycleMovesOnlyAlongItsArrowsAndEveryStepIsAudited() {
        String id = create(uniqueId("lifecycle"));

        operator().post("/api/integrations/" + id + "/pause").then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("is draft")).body("currentStatus", equalTo("draft"))
                .body("allowedNextSteps", contains("test-sync", "activate-force"));
        operator().post("/api/integrations/" + id + "/resume").then().statusCode(409);
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(409)
                .body("detail", containsString("run a test sync first")).body("currentStatus", equalTo("draft"));

        forceActivate(id);
        viewer().get("/api/integrations/" + id).then().body("status", equalTo("active"))
                .body("nextSteps", contains("pause", "test-sync"));
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(409)
                .body("detail", containsString("is active")).body("allowedNextSteps", contains("pause", "test-sync"));
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200).body("status", equalTo("paused"));
        operator().post("/api/integrations/" + id + "/resume").then().statusCode(200).body("status", equalTo("active"));
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        // Activating a paused integration resumes it.
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(200).body("status",
                equalTo("active"));
        viewer().get("/api/integrations/" + id).then().body("status", equalTo("active"));

        List<Map<String, Object>> audit = auditOf(id);
        assertThat(audit).extracting(e -> e.get("operation")).containsExactly("integration.resumed",
                "integration.paused", "integration.resumed", "integration.paused", "integration.activated",
                "integration.test.skipped", "integration.created");
        assertThat(audit.get(4)).containsEntry("actor", "test-admin").containsEntry("oldValue", "draft")
                .containsEntry("newValue", "active").containsEntry("type", "audit");
        assertThat(audit.get(5)).containsEntry("field", "reason").containsEntry("actor", "test-admin");
        assertThat(audit.get(6)).containsEntry("actor", "test-admin");
    }

    @Test
    void anIntegrationWithoutAMappingCannotBeActivated() {
        String id = uniqueId("unmapped");
        admin().body("{\"id\": \"%s\", \"platform\": \"%s\"}".formatted(id, TestPlatformConnector.PLATFORM))
                .post("/api/integrations").then().statusCode(201);
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(409)
                .body("detail", containsString("no field mapping"));
    }

    @Test
    void changesAndRemovalAreAuditedWithWhatChanged() {
        String id = create(uniqueId("audited"));
        admin().body(definition(id, "Renamed")).put("/api/integrations/" + id).then().statusCode(200);
        admin().body(definition(id, "Renamed")).put("/api/integrations/" + id).then().statusCode(200);
        admin().delete("/api/integrations/" + id).then().statusCode(204);

        List<Map<String, Object>> audit = auditOf(id);
        assertThat(audit).extracting(e -> e.get("operation"))
                .as("an unchanged replacement is not a change").containsExactly("integration.deleted",
                        "integration.updated", "integration.created");
        assertThat(audit.get(1)).containsEntry("field", "name")
                .containsEntry("oldValue", "{\"name\":\"Created by a test\"}")
                .containsEntry("newValue", "{\"name\":\"Renamed\"}").containsEntry("actor", "test-admin");
        assertThat(audit.get(0)).containsEntry("oldValue", "draft");
    }

    @Test
    void onlyAdminsChangeDefinitionsAndOnlyOperatorsRunThem() {
        String id = uniqueId("roles");
        viewer().body(definition(id, "x")).post("/api/integrations").then().statusCode(403)
                .contentType("application/problem+json");
        operator().body(definition(id, "x")).post("/api/integrations").then().statusCode(403);
        viewer().get("/api/integrations/" + id).then().statusCode(404);

        create(id);
        operator().body(definition(id, "y")).put("/api/integrations/" + id).then().statusCode(403);
        operator().delete("/api/integrations/" + id).then().statusCode(403);
        viewer().post("/api/integrations/" + id + "/activate").then().statusCode(403);
    }

    @Test
    void theFieldsComeFromThePlatformsConnector() {
        String id = create(uniqueId("fields"));
        viewer().get("/api/integrations/" + id + "/fields").then().statusCode(200)
                .body("name", org.hamcrest.Matchers.contains("email", "first_name"))
                .body("[0].required", equalTo(true));
        viewer().get("/api/integrations/no-such-integration/fields").then().statusCode(404);
    }

    @Test
    void theFixtureFileWasLoadedActiveAtStartUpAndTheBrokenOneSkippedWithItsErrors() {
        viewer().get("/api/integrations/fixture-loaded").then().statusCode(200)
                .body("name", equalTo("Loaded from a file")).body("definition.id", equalTo("fixture-loaded"));
        viewer().get("/api/integrations/fixture-broken").then().statusCode(404);

        List<Map<String, Object>> loadErrors = viewer().get("/api/integrations").jsonPath().getList("loadErrors");
        assertThat(loadErrors).singleElement().satisfies(skipped -> {
            assertThat(skipped.get("file")).isEqualTo("fixture-broken.yaml");
            assertThat((List<Map<String, String>>) skipped.get("errors")).extracting(e -> e.get("field"))
                    .containsExactlyInAnyOrder("platform", "trigger.schedule");
        });
        assertThat(auditOf("fixture-loaded"))
                .anySatisfy(e -> assertThat(e).containsEntry("operation", "integration.created")
                        .containsEntry("actor", "config-file").containsEntry("newValue", "active"));
    }

    @Test
    void aReloadedFileUpdatesTheDefinitionButKeepsAPausedIntegrationPaused(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        String id = uniqueId("reload");
        Path file = dir.resolve(id + ".yaml");
        Files.writeString(file, """
                platform: test-platform
                name: Version one
                mapping: [ { komo: email, external: email } ]
                """);
        assertThat(loader.load(dir)).isEmpty();
        viewer().get("/api/integrations/" + id).then().body("status", equalTo("active")).body("name",
                equalTo("Version one"));

        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        Files.writeString(file, Files.readString(file).replace("Version one", "Version two"));
        Files.writeString(dir.resolve("wrong-name.yaml"), "id: " + id + "\nplatform: test-platform\n");
        List<DefinitionLoader.LoadError> errors = loader.load(dir);

        viewer().get("/api/integrations/" + id).then().body("status", equalTo("paused")).body("name",
                equalTo("Version two"));
        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo("wrong-name.yaml");
            assertThat(e.errors()).extracting(io.komo.sync.api.FieldError::field).containsExactly("id");
        });
        assertThat(auditOf(id).get(0)).containsEntry("operation", "integration.updated").containsEntry("actor",
                "config-file");
    }
}
