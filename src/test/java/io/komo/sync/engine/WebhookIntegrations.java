package io.komo.sync.engine;

import static io.komo.sync.testing.Api.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import io.restassured.RestAssured;
import io.restassured.response.Response;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.security.StandardWebhooks;

/** Sets up webhook-platform integrations through the API and plays the platform's side of them. */
final class WebhookIntegrations {

    static final String MAPPING = """
            [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
             {"komo": "lastName", "external": "last_name"}, {"komo": "tier", "external": "tier"}]""";

    /** Retries quickly, so fault tests finish in seconds. */
    static final String FAST_RETRY = "\"retry\": {\"maxAttempts\": 8, \"initialDelay\": \"100ms\", \"maxDelay\": \"1s\"}";

    private WebhookIntegrations() {
    }

    static String uniqueId(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * After a pause, waits until each contact {@code <prefix>.<i>@example.com} reached the platform with
     * its final {@code last_name}, then checks that each contact's versions arrived in order.
     */
    static void assertDrainedInOrder(WebhookReceiverFake platform, String prefix, int count, String finalVersion,
            Duration wait) {
        await().atMost(wait).until(() -> IntStream.range(0, count).allMatch(i -> {
            List<Map<String, Object>> got = platform.recordsFor(prefix + "." + i + "@example.com");
            return !got.isEmpty() && finalVersion.equals(got.get(got.size() - 1).get("last_name"));
        }));
        for (int i = 0; i < count; i++) {
            List<String> versions = platform.recordsFor(prefix + "." + i + "@example.com").stream()
                    .map(b -> (String) b.get("last_name")).toList();
            assertThat(versions).as("contact %d's versions arrive in order", i).isSorted();
        }
    }

    /** Creates the integration from the given definition members and activates it. */
    static void createActive(String id, String members) {
        admin().body("{\"id\": \"%s\", \"platform\": \"webhook\", %s}".formatted(id, members))
                .post("/api/integrations").then().statusCode(201);
        io.komo.sync.testing.Api.forceActivate(id);
    }

    /** Stores a signing secret credential and returns it. */
    static String storeSigningSecret(String credentialId) {
        String secret = StandardWebhooks.newSecret();
        admin().body("{\"type\": \"webhook-secret\", \"secret\": \"%s\"}".formatted(secret))
                .put("/api/credentials/" + credentialId).then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.is(200), org.hamcrest.Matchers.is(201)));
        return secret;
    }

    /** The platform calling /webhooks/{id}, signed per Standard Webhooks with {@code secret}. */
    static Response pushSigned(String integrationId, String secret, String body, Instant at) {
        Map<String, String> headers = StandardWebhooks.fromSecret(secret).signedHeaders(at, body);
        return RestAssured.given().headers(headers).contentType("application/json").body(body)
                .post("/webhooks/" + integrationId);
    }

    /**
     * Stored webhooks not applied yet (an event stays unclaimed until the batch that applies it commits): zero once
     * everything the platform pushed has reached Komo.
     */
    static long inboundNotYetApplied(DataSource dataSource, String integrationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c.prepareStatement(
                        "SELECT count(*) FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ? "
                                + "AND status = 'received'")) {
            count.setString(1, integrationId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
