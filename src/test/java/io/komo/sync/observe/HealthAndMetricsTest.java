package io.komo.sync.observe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class HealthAndMetricsTest {

    @Test
    void readinessCoversTheDatabaseAndTheCamelRoutes() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Database connections health check", "camel-routes", "context",
                        "route-controller", "kafka"))
                .body("checks.find { it.name == 'kafka' }.data.used", equalTo(false));
    }

    @Test
    void livenessAndStartupAnswerUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void prometheusShowsEveryRouteWithItsStats() {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("camel_exchanges_total"))
                .body(containsString("routeId=\"sync-runs.executor\""))
                .body(containsString("http_server_requests"));
    }

    @Test
    void theApiIsDocumented() {
        given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()",
                        hasItems("/api/contacts", "/api/contacts/{id}", "/api/contacts/bulk", "/api/events"));
    }
}
