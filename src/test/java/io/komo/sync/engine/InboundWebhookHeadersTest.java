package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.forceActivate;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.security.StandardWebhooks;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.HeaderAuthTestConnector;

/** What {@code POST /webhooks/{integrationId}} does with the caller's headers: what it passes on, keeps and answers. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class InboundWebhookHeadersTest {

    /** Headers of the caller, or of the route, that an answer must never carry back. */
    private static final List<String> NOT_OURS = List.of("X-Evil", "Authorization", StandardWebhooks.ID_HEADER,
            StandardWebhooks.TIMESTAMP_HEADER, StandardWebhooks.SIGNATURE_HEADER, "komo-integration-id");

    @Inject
    HeaderAuthTestConnector headerAuth;

    @Inject
    DataSource dataSource;

    @Test
    void anAuthorizationHeaderReachesTheConnectorAndIsNeitherStoredNorLogged() throws Exception {
        String id = uniqueId("hdr-auth");
        admin().body(
                """
                        {"id": "%s", "platform": "%s", "direction": "inbound", "mapping": [{"komo": "email", "external": "email"}]}"""
                        .formatted(id, HeaderAuthTestConnector.PLATFORM))
                .post("/api/integrations").then().statusCode(201);
        forceActivate(id); // push-only and inbound-only: a test sync cannot try it

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().header("Authorization", "Bearer wrong")
                .contentType("application/json").body("{}").post("/webhooks/" + id).then().statusCode(401));
        Response accepted = given().header("Authorization", "Bearer " + HeaderAuthTestConnector.TOKEN)
                .header("X-Evil", "1").contentType("application/json").body("{\"id\": \"ext-1\"}")
                .post("/webhooks/" + id);

        accepted.then().statusCode(202);
        assertThat(headerAuth.verifiedHeaderNames()).last()
                .satisfies(names -> assertThat(names).contains("authorization"));
        assertNoneOfTheCallersHeaders(accepted);
        List<String> stored = storedHeaders(id);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0)).contains("x-evil").doesNotContainIgnoringCase("authorization")
                .doesNotContain(HeaderAuthTestConnector.TOKEN);
        StringBuilder log = new StringBuilder();
        try (var files = Files.list(Path.of("target"))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("quarkus-test.log")).toList()) {
                log.append(Files.readString(file));
            }
        }
        assertThat(log.toString()).doesNotContain(HeaderAuthTestConnector.TOKEN);
    }

    @Test
    void webhookAnswersCarryNoneOfTheCallersHeaders() {
        String id = uniqueId("echo");
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"},
                "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s""".formatted(id, MAPPING));
        String body = "{\"id\": \"ext-echo\", \"email\": \"%s\"}".formatted(uniqueEmail("echo"));
        Map<String, String> signed = StandardWebhooks.fromSecret(secret).signedHeaders(Instant.now(), body);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().contentType("application/json").body(body)
                .post("/webhooks/" + id).then().statusCode(401));
        Response refused = given().headers(signed).header("X-Evil", "1").header("Authorization", "Bearer nothing")
                .contentType("application/json").body(body.replace("ext-echo", "ext-forged")).post("/webhooks/" + id);
        Response accepted = given().headers(signed).header("X-Evil", "1").contentType("application/json").body(body)
                .post("/webhooks/" + id);

        refused.then().statusCode(401).contentType("application/problem+json");
        assertNoneOfTheCallersHeaders(refused);
        accepted.then().statusCode(202).contentType("application/json");
        assertNoneOfTheCallersHeaders(accepted);
    }

    private static void assertNoneOfTheCallersHeaders(Response response) {
        for (String name : NOT_OURS) {
            assertThat(response.getHeader(name)).as("header %s of a %d answer", name, response.statusCode()).isNull();
        }
    }

    private List<String> storedHeaders(String integrationId) throws Exception {
        List<String> headers = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT headers::text FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ?")) {
            read.setString(1, integrationId);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    headers.add(rs.getString(1));
                }
            }
        }
        return headers;
    }
}
