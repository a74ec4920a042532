package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.FAST_RETRY;
import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.pushSigned;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.security.StandardWebhooks;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ProductionPath;

/**
 * Another replica's API changes the same database: here those changes are written straight to it, as that
 * replica's commit would, and this replica must follow — pause, resume, edit, create, delete, rotated secrets.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class ChangesFromOtherReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DataSource dataSource;

    @Inject
    RunningIntegrations routes;

    @Inject
    CamelContext camel;

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Test
    void aPauseResumeEditAndDeleteOnAnotherReplicaAreFollowedHere() throws Exception {
        String id = uniqueId("replicas");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                %s, "mapping": %s""".formatted(platform.baseUrl(), FAST_RETRY, MAPPING));
        String before = uniqueEmail("before-pause");
        createContact("{\"email\": \"%s\"}".formatted(before));
        await().atMost(WAIT).until(() -> platform.recordsFor(before).size() == 1);

        otherReplica("UPDATE integration SET status = 'paused', updated_at = now() WHERE id = ?", id);
        await().atMost(WAIT).until(() -> status(id) == IntegrationStatus.PAUSED);
        String during = uniqueEmail("during-pause");
        createContact("{\"email\": \"%s\"}".formatted(during));
        await().pollDelay(Duration.ofSeconds(1)).atMost(WAIT).until(() -> true);
        assertThat(platform.recordsFor(during)).as("nothing is sent while paused on another replica").isEmpty();

        otherReplica("UPDATE integration SET status = 'active', updated_at = now() WHERE id = ?", id);
        await().atMost(WAIT).until(() -> platform.recordsFor(during).size() == 1);

        otherReplica("UPDATE integration SET definition = jsonb_set(definition, '{name}', '\"Renamed elsewhere\"'), "
                + "updated_at = now() WHERE id = ?", id);
        await().atMost(WAIT)
                .until(() -> "Renamed elsewhere".equals(routes.find(id).map(c -> c.definition().name()).orElse(null)));

        String copy = uniqueId("replicas-new");
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO integration (id, platform, name, status, definition, created_at, updated_at) "
                                + "SELECT ?, platform, name, 'active', jsonb_set(definition, '{id}', to_jsonb(?::text)), now(), now() "
                                + "FROM integration WHERE id = ?")) {
            insert.setString(1, copy);
            insert.setString(2, copy);
            insert.setString(3, id);
            assertThat(insert.executeUpdate()).isOne();
        }
        await().atMost(WAIT).until(() -> status(copy) == IntegrationStatus.ACTIVE);

        otherReplica("DELETE FROM integration WHERE id = ?", id);
        otherReplica("DELETE FROM integration WHERE id = ?", copy);
        await().atMost(WAIT).until(() -> routes.find(id).isEmpty() && routes.find(copy).isEmpty());
        assertThat(camel.getRoute(id + ".outbound")).as("its routes are gone").isNull();
    }

    @Test
    void aRotatedSigningSecretIsUsedWithoutARestart() {
        String id = uniqueId("rotate");
        String oldSecret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"},
                "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s"""
                .formatted(platform.baseUrl(), id, MAPPING));
        String body = "{\"id\": \"ext-r\", \"email\": \"%s\"}".formatted(uniqueEmail("rotate"));
        pushSigned(id, oldSecret, body, Instant.now()).then().statusCode(202);

        String newSecret = StandardWebhooks.newSecret();
        admin().body("{\"type\": \"webhook-secret\", \"secret\": \"%s\"}".formatted(newSecret))
                .put("/api/credentials/" + id + "-signing").then().statusCode(200);

        await().atMost(WAIT).until(() -> pushSigned(id, newSecret, body, Instant.now()).statusCode() == 202);
        pushSigned(id, oldSecret, body, Instant.now()).then().statusCode(401);
    }

    private IntegrationStatus status(String id) {
        return routes.find(id).map(CompiledIntegration::status).orElse(null);
    }

    private void otherReplica(String sql, String id) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(sql)) {
            update.setString(1, id);
            assertThat(update.executeUpdate()).isOne();
        }
    }
}
