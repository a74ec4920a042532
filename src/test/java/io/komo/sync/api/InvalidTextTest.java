package io.komo.sync.api;

import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/**
 * Text PostgreSQL cannot store (a NUL character, half of a UTF-16 surrogate pair) is refused before it reaches the
 * database, wherever it comes from: a path, a query parameter or a JSON body. It is a 400 problem, not a 500, and
 * the call is in the access audit all the same.
 */
@QuarkusTest
class InvalidTextTest {

    /** Every operation on one integration, each with the method and body it takes. */
    private static final List<String[]> INTEGRATION_OPERATIONS = List.of(
            new String[]{"GET", ""}, new String[]{"PUT", "", "{}"}, new String[]{"DELETE", ""},
            new String[]{"POST", "/activate"}, new String[]{"POST", "/pause"}, new String[]{"POST", "/resume"},
            new String[]{"GET", "/fields"}, new String[]{"GET", "/status"}, new String[]{"POST", "/connection-test"},
            new String[]{"GET", "/runs"}, new String[]{"POST", "/runs", "{\"type\": \"full\"}"},
            new String[]{"GET", "/runs/" + UUID.randomUUID()}, new String[]{"POST", "/test-sync", "{\"limit\": 1}"},
            new String[]{"POST", "/drift-check", "{}"});

    @Test
    void aNulInAnIntegrationIdIsA400ProblemOnEveryEndpoint() {
        for (String[] operation : INTEGRATION_OPERATIONS) {
            String path = "/api/integrations/nul%00id" + operation[1];
            ValidatableResponse answer = admin().urlEncodingEnabled(false)
                    .body(operation.length > 2 ? operation[2] : "{}")
                    .request(operation[0], path).then();
            problem(answer, 400, operation[0] + " " + path).body("errors[0].field", equalTo("id"));
        }
    }

    @Test
    void theAuditShowsACallWithANulInItsPathWithTheNulEscaped() {
        String marker = "nul-" + UUID.randomUUID().toString().substring(0, 8);
        admin().urlEncodingEnabled(false).get("/api/integrations/" + marker + "%00x/status").then().statusCode(400);
        given().urlEncodingEnabled(false).get("/api/integrations/" + marker + "%00y").then().statusCode(401);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Map<String, Object>> entries = admin().queryParam("limit", 200).get("/api/access-audit")
                    .then().statusCode(200).extract().jsonPath().getList("items");
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("path")).isEqualTo("/api/integrations/" + marker + "\\u0000x/status");
                assertThat(e.get("principal")).isEqualTo("test-admin");
                assertThat(e.get("status")).isEqualTo(400);
            });
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("path")).isEqualTo("/api/integrations/" + marker + "\\u0000y");
                assertThat(e.get("principal")).isEqualTo("anonymous");
                assertThat(e.get("status")).isEqualTo(401);
            });
        });
        // An entry that cannot be written all the same is counted where an alert can watch it.
        given().get("/q/metrics").then().statusCode(200).body(containsString("komo_access_audit_failures_total"));
    }

    @Test
    void aNulInAQueryParameterIsA400Problem() {
        problem(admin().urlEncodingEnabled(false).get("/api/logs?integration=a%00b").then(), 400, "logs")
                .body("errors[0].field", equalTo("integration"));
        problem(admin().urlEncodingEnabled(false).get("/api/integrations?cursor=%00").then(), 400, "integrations")
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void aNulOrAHalfSurrogateAnywhereInAJsonBodyIsA400Problem() {
        String email = uniqueEmail("nul");
        for (String contact : List.of(
                "{\"email\": \"%s\", \"firstName\": \"A\\u0000nn\"}",
                "{\"email\": \"%s\", \"properties\": {\"note\": \"\\u0000\"}}",
                "{\"email\": \"%s\", \"properties\": {\"n\\u0000te\": 1}}",
                "{\"email\": \"%s\", \"properties\": {\"list\": [\"ok\", {\"deep\": \"x\\u0000\"}]}}",
                "{\"email\": \"%s\", \"firstName\": \"\\ud800\"}",
                "{\"email\": \"%s\", \"firstName\": \"\\ud800x\"}",
                "{\"email\": \"%s\", \"firstName\": \"\\udc00\\ud800\"}")) {
            problem(operator().body(contact.formatted(email)).post("/api/contacts").then(), 400, contact)
                    .body("detail", containsString("cannot be stored"));
        }
        problem(admin().body("{\"type\": \"bearer\", \"token\": \"sk_\\u0000live\"}").put("/api/credentials/nul-test")
                .then(), 400, "credential");
        problem(admin().body("{\"id\": \"nul-test\", \"platform\": \"webhook\", \"name\": \"N\\u0000\"}")
                .post("/api/integrations").then(), 400, "integration");

        // A backslash followed by u0000 is text, and a whole surrogate pair is one character: both are stored.
        operator().body("{\"email\": \"%s\", \"firstName\": \"\\\\u0000 \\ud83d\\ude00\"}".formatted(email))
                .post("/api/contacts").then().statusCode(201).body("firstName", equalTo("\\u0000 \uD83D\uDE00"));
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status, String what) {
        int answered = response.extract().statusCode();
        assertThat(answered).as("%s: %s", what, response.extract().asString()).isEqualTo(status);
        return response.contentType(containsString("application/problem+json"))
                .body("status", equalTo(status)).body("title", org.hamcrest.Matchers.notNullValue());
    }
}
