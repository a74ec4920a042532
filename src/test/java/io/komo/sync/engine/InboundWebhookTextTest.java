package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.pushSigned;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.testing.DeletesCreatedIntegrations;

/**
 * A verified webhook whose JSON decodes to text PostgreSQL cannot store (a NUL) is refused at once with a 400: once
 * stored, its records could be applied to no contact, nor dead-lettered as JSON.
 */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class InboundWebhookTextTest {

    @Inject
    DataSource dataSource;

    @Test
    void aWebhookWithANulIsA400AndIsNotStored() throws Exception {
        String id = uniqueId("nul-in");
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"},
                "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s""".formatted(id, MAPPING));
        String email = uniqueEmail("nul-in");

        pushSigned(id, secret, "{\"id\": \"ext-1\", \"email\": \"%s\", \"first_name\": \"A\\u0000\"}".formatted(email),
                Instant.now()).then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("cannot be stored"));
        pushSigned(id, secret, "{\"id\": \"ext-1\", \"email\": \"%s\", \"first_name\": \"Ann\"}".formatted(email),
                Instant.now()).then().statusCode(202);

        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c.prepareStatement(
                        "SELECT count(*) FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ?")) {
            count.setString(1, id);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("only the storable webhook is stored").isEqualTo(1);
            }
        }
    }
}
