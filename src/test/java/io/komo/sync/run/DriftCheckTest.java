package io.komo.sync.run;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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

import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ReadableTestConnector;
import io.komo.sync.testing.SyncFixtures;

@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class DriftCheckTest {

    @Inject
    SyncFixtures fixtures;

    @Inject
    ReadableTestConnector platform;

    /** The last name that puts a contact in this test's scope; the database is shared by all tests. */
    private String scope;

    @BeforeEach
    void newScope() {
        scope = "drift" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String integration(String direction) {
        String id = "drift-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"id": "%s", "platform": "%s", "name": "test", "direction": "%s",
                 "trigger": {"realtime": false}, "scope": {"filter": "lastName == '%s'"},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
                             {"komo": "lastName", "external": "last_name"}, {"komo": "tier", "external": "tier"}],
                 "retry": {"maxAttempts": 3, "initialDelay": "1s", "maxDelay": "1s"}}
                """.formatted(id, ReadableTestConnector.PLATFORM, direction, scope);
        return fixtures.startIntegration(id, ReadableTestConnector.PLATFORM, definition, IntegrationStatus.ACTIVE);
    }

    /** A Komo contact in scope, and (when {@code onPlatform}) the same record on the platform. */
    private String contact(String integration, String firstName, boolean onPlatform) {
        String email = uniqueEmail("drift");
        createContact(
                "{\"email\": \"%s\", \"firstName\": \"%s\", \"lastName\": \"%s\"}".formatted(email, firstName, scope));
        if (onPlatform) {
            platformRecord(integration, "p-" + email, email, firstName);
        }
        return email;
    }

    private void platformRecord(String integration, String externalId, String email, String firstName) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("email", email);
        fields.put("first_name", firstName);
        fields.put("last_name", scope);
        platform.records(integration).put(externalId, fields);
    }

    private static JsonPath check(String integration, String body) {
        return operator().body(body).post("/api/integrations/{id}/drift-check", integration)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void noDriftReportsNoDifferences() {
        String id = integration("bidirectional");
        contact(id, "Ann", true);
        contact(id, "Bob", true);

        JsonPath result = check(id, "{}");
        assertThat(result.getString("integrationId")).isEqualTo(id);
        assertThat(result.getInt("checkedKomo")).isEqualTo(2);
        assertThat(result.getInt("checkedExternal")).isEqualTo(2);
        assertThat(result.getList("differences")).isEmpty();
        assertThat(result.getInt("repaired")).isZero();
    }

    @Test
    void reportsAChangedFieldAndRecordsMissingOnEitherSide() {
        String id = integration("bidirectional");
        String changed = contact(id, "Ann", true);
        platform.records(id).get("p-" + changed).put("first_name", "Anna");
        String notOnPlatform = contact(id, "Carl", false);
        String notInKomo = uniqueEmail("only-there");
        platformRecord(id, "p-only", notInKomo, "Dora");

        JsonPath result = check(id, "{\"repair\": false}");
        assertThat(result.getInt("checkedKomo")).isEqualTo(2);
        assertThat(result.getList("differences")).hasSize(3);
        Map<String, Object> field = difference(result, "field");
        assertThat(field).containsEntry("email", changed).containsEntry("externalId", "p-" + changed)
                .containsEntry("field", "first_name").containsEntry("komoValue", "Ann")
                .containsEntry("externalValue", "Anna");
        assertThat(difference(result, "missing-on-platform")).containsEntry("email", notOnPlatform);
        assertThat(difference(result, "missing-in-komo")).containsEntry("externalId", "p-only").containsEntry("email",
                notInKomo);
        assertThat(result.getBoolean("truncated")).isFalse();
        // Nothing was repaired.
        assertThat(platform.records(id).get("p-" + changed)).containsEntry("first_name", "Anna");
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", notInKomo)).isZero();
    }

    @Test
    void repairSendsKomosStateAndTakesInMissingRecordsThenNoDriftRemains() {
        String id = integration("bidirectional");
        String changed = contact(id, "Ann", true);
        platform.records(id).get("p-" + changed).put("first_name", "Anna");
        String notOnPlatform = contact(id, "Carl", false);
        String notInKomo = uniqueEmail("only-there");
        platformRecord(id, "p-only", notInKomo, "Dora");

        JsonPath repaired = check(id, "{\"repair\": true}");
        assertThat(repaired.getList("differences")).hasSize(3);
        assertThat(repaired.getInt("repaired")).isEqualTo(3);

        assertThat(platform.records(id).get("p-" + changed)).containsEntry("first_name", "Ann");
        assertThat(platform.records(id).values()).anySatisfy(r -> assertThat(r).containsEntry("email", notOnPlatform)
                .containsEntry("first_name", "Carl"));
        assertThat(fixtures.count(
                "SELECT count(*) FROM contact WHERE email = ? AND first_name = 'Dora' AND deleted_at IS NULL",
                notInKomo)).isEqualTo(1);

        JsonPath again = check(id, "{}");
        assertThat(again.getList("differences")).isEmpty();
        assertThat(again.getInt("checkedKomo")).isEqualTo(3);
    }

    @Test
    void anInboundOnlyIntegrationRepairsTowardsKomoOnly() {
        String id = integration("inbound");
        String changed = contact(id, "Ann", true);
        platform.records(id).get("p-" + changed).put("first_name", "Anna");
        contact(id, "Carl", false);

        JsonPath repaired = check(id, "{\"repair\": true}");
        assertThat(repaired.getInt("repaired")).isEqualTo(1);
        assertThat(repaired.getInt("skipped")).isEqualTo(1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ? AND first_name = 'Anna'", changed))
                .isEqualTo(1);

        JsonPath again = check(id, "{}");
        assertThat(again.getList("differences.kind")).containsExactly("missing-on-platform");
    }

    @Test
    void anOutboundOnlyIntegrationLeavesRecordsMissingInKomoAlone() {
        String id = integration("outbound");
        String notInKomo = uniqueEmail("only-there");
        platformRecord(id, "p-only", notInKomo, "Dora");

        JsonPath repaired = check(id, "{\"repair\": true}");
        assertThat(repaired.getInt("repaired")).isZero();
        assertThat(repaired.getInt("skipped")).isEqualTo(1);
        assertThat(fixtures.count("SELECT count(*) FROM contact WHERE email = ?", notInKomo)).isZero();
    }

    @Test
    void sampleLimitsHowManyContactsAreChecked() {
        String id = integration("bidirectional");
        contact(id, "Ann", true);
        contact(id, "Bob", true);
        contact(id, "Cy", true);

        JsonPath result = check(id, "{\"sample\": 1}");
        assertThat(result.getInt("checkedKomo")).isEqualTo(1);
        assertThat(result.getInt("checkedExternal")).isEqualTo(1);
        assertThat(result.getList("differences")).isEmpty();
    }

    @Test
    void badRequestsAreRefused() {
        String id = integration("bidirectional");
        operator().body("{\"sample\": 0}").post("/api/integrations/{id}/drift-check", id).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("sample"));
        operator().body("{\"sample\": 100001}").post("/api/integrations/{id}/drift-check", id).then().statusCode(400)
                .body("errors[0].field", equalTo("sample"));
        operator().body("{\"repair\": \"yes\"}").post("/api/integrations/{id}/drift-check", id).then().statusCode(400)
                .body("errors[0].field", equalTo("repair"));
        operator().body("{}").post("/api/integrations/{id}/drift-check", "no-such-integration").then().statusCode(404);
        viewer().body("{}").post("/api/integrations/{id}/drift-check", id).then().statusCode(403);
    }

    @Test
    void aPlatformThatCannotBeReadIsAConflict() {
        String id = fixtures.startIntegration("drift-unreadable", IntegrationStatus.ACTIVE);
        operator().body("{}").post("/api/integrations/{id}/drift-check", id).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("cannot be read, so drift cannot be checked"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> difference(JsonPath result, String kind) {
        List<Map<String, Object>> all = result.getList("differences");
        return all.stream().filter(d -> kind.equals(d.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " difference in " + all));
    }
}
