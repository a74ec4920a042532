package io.komo.sync.security;

import static io.komo.sync.testing.Api.ADMIN_TOKEN;
import static io.komo.sync.testing.Api.OPERATOR_TOKEN;
import static io.komo.sync.testing.Api.VIEWER_TOKEN;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.as;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SecurityTest {

    /** Every operation of the management API, read from the published OpenAPI document. */
    private static List<String[]> apiOperations() {
        Map<String, Map<String, Object>> paths = given().accept("application/json").get("/q/openapi?format=json")
                .jsonPath().getMap("paths");
        List<String[]> operations = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (path.startsWith("/api")) {
                methods.keySet().stream().filter(m -> !m.equals("parameters"))
                        .forEach(m -> operations.add(new String[]{m.toUpperCase(),
                                path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString())}));
            }
        });
        return operations;
    }

    @Test
    void everyApiOperationNeedsAValidToken() {
        List<String[]> operations = apiOperations();
        assertThat(operations).as("the walk must find the API").hasSizeGreaterThan(8);
        for (String[] op : operations) {
            Response none = given().contentType("application/json").body("{}").request(op[0], op[1]);
            assertThat(none.statusCode()).as("%s %s without a token", op[0], op[1]).isEqualTo(401);
            assertThat(none.contentType()).startsWith("application/problem+json");
            assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");

            Response wrong = as("not-a-token").body("{}").request(op[0], op[1]);
            assertThat(wrong.statusCode()).as("%s %s with a wrong token", op[0], op[1]).isEqualTo(401);

            Response basic = given().auth().preemptive().basic("admin", ADMIN_TOKEN).contentType("application/json")
                    .body("{}").request(op[0], op[1]);
            assertThat(basic.statusCode()).as("%s %s with basic auth", op[0], op[1]).isEqualTo(401);
        }
    }

    @Test
    void viewersOnlyReadAndOnlyAdminsSeeTheAuditTrail() {
        for (String[] op : apiOperations()) {
            if (!op[0].equals("GET")) {
                Response viewer = as(VIEWER_TOKEN).body("{}").request(op[0], op[1]);
                assertThat(viewer.statusCode()).as("%s %s as viewer", op[0], op[1]).isEqualTo(403);
                assertThat(viewer.contentType()).startsWith("application/problem+json");
            } else if (!op[1].startsWith("/api/access-audit")) {
                assertThat(as(VIEWER_TOKEN).request(op[0], op[1]).statusCode()).as("%s %s as viewer", op[0], op[1])
                        .isNotIn(401, 403);
            }
        }
        as(OPERATOR_TOKEN).get("/api/access-audit").then().statusCode(403);
        admin().get("/api/access-audit").then().statusCode(200);
    }

    @Test
    void everyManagementCallIsAuditedWithWhoWhenAndWhat() {
        String marker = "audit-" + UUID.randomUUID();
        viewer().queryParam("tier", marker).get("/api/contacts").then().statusCode(200);
        given().queryParam("tier", marker).get("/api/contacts").then().statusCode(401);
        operator().body("{}").delete("/api/contacts/" + UUID.randomUUID()).then().statusCode(404);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonPath audit = admin().queryParam("limit", 200).get("/api/access-audit").jsonPath();
            List<Map<String, Object>> entries = audit.getList("items");
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("principal")).isEqualTo("test-viewer");
                assertThat(e.get("role")).isEqualTo("viewer");
                assertThat(e.get("method")).isEqualTo("GET");
                assertThat((String) e.get("path")).contains("/api/contacts").contains(marker);
                assertThat(e.get("status")).isEqualTo(200);
                assertThat(e.get("at")).isNotNull();
            });
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.get("principal")).isEqualTo("anonymous");
                assertThat((String) e.get("path")).contains(marker);
                assertThat(e.get("status")).isEqualTo(401);
            });
        });
    }

    @Test
    void tokensNeverReachTheLog() throws IOException {
        as("a-wrong-token-that-must-not-be-logged").get("/api/contacts").then().statusCode(401);
        viewer().get("/api/contacts").then().statusCode(200);
        admin().get("/api/access-audit").then().statusCode(200);

        // The file rotates when it grows; the rotated parts are read too.
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(Path.of("target"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("quarkus-test.log")).toList()) {
                all.append(Files.readString(file));
            }
        }
        String log = all.toString();
        assertThat(log).as("the test log exists and has content").contains("komo-sync");
        assertThat(log).doesNotContain(ADMIN_TOKEN, OPERATOR_TOKEN, VIEWER_TOKEN,
                "a-wrong-token-that-must-not-be-logged");
    }
}
