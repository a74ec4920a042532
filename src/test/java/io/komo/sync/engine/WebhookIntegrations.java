package io.komo.sync.engine;

import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.komo.sync.security.StandardWebhooks;
import io.restassured.RestAssured;
import io.restassured.response.Response;

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

    /** Creates the integration from the given definition members and activates it. */
    static void createActive(String id, String members) {
        admin().body("{\"id\": \"%s\", \"platform\": \"webhook\", %s}".formatted(id, members))
                .post("/api/integrations").then().statusCode(201);
        operator().post("/api/integrations/" + id + "/activate").then().statusCode(200);
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
}
