package io.komo.sync.integration;

import static io.komo.sync.testing.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** A definition is held to what its platform's connector declares: its options and the auth types it takes. */
@QuarkusTest
class ConnectorOptionsApiTest {

    @Test
    void optionsAndAuthTheConnectorDoesNotTakeAreRefusedWithA400NamingEach() {
        JsonPath problem = admin().contentType("application/json").body("""
                {"id": "options-refused", "platform": "webhook", "endpoint": {"baseUrl": "http://127.0.0.1:9"},
                 "auth": {"type": "oauth2"}, "options": {"idField": 7, "secretField": "x"}}""")
                .post("/api/integrations").then().statusCode(400).contentType("application/problem+json").extract()
                .jsonPath();

        Map<String, String> errors = new HashMap<>();
        problem.<Map<String, String>>getList("errors").forEach(e -> errors.put(e.get("field"), e.get("message")));
        assertThat(errors).containsOnlyKeys("auth.type", "options.idField", "options.secretField");
        assertThat(errors.get("auth.type")).contains("does not take 'oauth2'").contains("bearer");
        assertThat(errors.get("options.idField")).isEqualTo("expected a non-empty text, not 7");
        assertThat(errors.get("options.secretField")).contains("unknown option")
                .contains("idField, changedAtField, deletedField");
    }

    @Test
    void declaredOptionsAndABearerTokenAreTaken() {
        admin().contentType("application/json").body("""
                {"id": "options-taken", "platform": "webhook", "endpoint": {"baseUrl": "http://127.0.0.1:9"},
                 "auth": {"type": "bearer", "credential": "options-taken"}, "options": {"idField": "uid"}}""")
                .post("/api/integrations").then().statusCode(201);
        admin().delete("/api/integrations/options-taken").then().statusCode(204);
    }
}
