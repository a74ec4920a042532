package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.pushSigned;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.komo.sync.testing.ProductionPath;

/** The inbound conflict aggregator: one contact's changes grouped and merged with Komo once, a backlog in batches. */
@Tag(ProductionPath.TAG)
@QuarkusTest
class InboundAggregatorTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DataSource dataSource;

    @Test
    void severalChangesOfOneContactInOneBatchAreAppliedOnceWithTheNewestValuesAndTheirDecisionsLogged()
            throws Exception {
        String id = uniqueId("grouped");
        String secret = storeSigningSecret(id + "-signing");
        // Not real time: Komo's change waits, so both sides change the same fields before they meet.
        createActive(id, """
                "direction": "bidirectional", "endpoint": {"baseUrl": "http://127.0.0.1:9", "path": "/contacts"},
                "auth": {"type": "none", "secretCredential": "%s-signing"}, "trigger": {"realtime": false},
                "sourceOfTruth": "komo", "mapping": %s,
                "conflicts": {"default": "prefer-external"}""".formatted(id, MAPPING));
        String email = uniqueEmail("grouped");
        pushSigned(id, secret,
                "{\"id\": \"ext-g\", \"email\": \"%s\", \"first_name\": \"A\", \"last_name\": \"B\", \"tier\": \"SILVER\"}"
                        .formatted(email),
                Instant.now()).then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", email).get("/api/contacts").then()
                .body("items.size()", equalTo(1)));
        String contactId = viewer().queryParam("email", email).get("/api/contacts").jsonPath().getString("items[0].id");
        operator().body("{\"firstName\": \"KomoFirst\", \"lastName\": \"KomoLast\"}")
                .patch("/api/contacts/" + contactId)
                .then().statusCode(200);

        // Three webhooks of the contact stored before the next claim, the last one arriving late: it happened
        // before the second one for first_name.
        Instant now = Instant.now();
        storeTogether(id,
                "{\"id\": \"ext-g\", \"first_name\": \"Ext1\", \"last_name\": \"L1\", \"updatedAt\": \"%s\"}"
                        .formatted(now.plusSeconds(1)),
                "{\"id\": \"ext-g\", \"first_name\": \"Ext3\", \"updatedAt\": \"%s\"}".formatted(now.plusSeconds(3)),
                "{\"id\": \"ext-g\", \"first_name\": \"Ext2\", \"last_name\": \"L2\", \"tier\": \"GOLD\", \"updatedAt\": \"%s\"}"
                        .formatted(now.plusSeconds(2)));

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM webhook_delivery WHERE integration_id = ? "
                + "AND status = 'received'", id) == 0);
        viewer().get("/api/contacts/" + contactId).then().body("firstName", equalTo("Ext3"))
                .body("lastName", equalTo("L2"))
                .body("tier", equalTo("GOLD"));
        assertThat(count(
                "SELECT count(*) FROM sync_log WHERE integration_id = ? AND operation = 'contact.received.updated'",
                id))
                .as("the three changes are merged with Komo once").isEqualTo(1);
        assertThat(strings(
                "SELECT field || '=' || new_value FROM sync_log WHERE integration_id = ? AND type = 'conflict' ORDER BY id",
                id))
                .as("each conflict decided once, with the newest external values")
                .containsExactlyInAnyOrder("first_name=Ext3", "last_name=L2");
        assertThat(strings(
                "SELECT field || '=' || new_value FROM sync_log WHERE integration_id = ? AND operation = 'field.received' ORDER BY id",
                id))
                .containsExactlyInAnyOrder("first_name=Ext3", "last_name=L2", "tier=GOLD");
    }

    @Test
    void aBacklogIsAppliedInBatchesEachChangeOnceAndEachContactsChangesInTheOrderTheyCame() throws Exception {
        String id = uniqueId("backlog");
        admin().body(
                "{\"id\": \"%s\", \"platform\": \"webhook\", \"direction\": \"inbound\", \"auth\": {\"type\": \"none\"}, \"mapping\": %s}"
                        .formatted(id, MAPPING))
                .post("/api/integrations").then().statusCode(201);
        // Stored while the integration is not active, as a burst the engine has not caught up with: 300 contacts,
        // and one of them changed 250 times, more than the aggregator folds into one group, so its changes come out
        // of the aggregator as several groups that must be applied in the order they came.
        String prefix = UUID.randomUUID().toString().substring(0, 8);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            bodies.add("{\"id\": \"ext-%d\", \"email\": \"%s-%d@backlog.test\", \"first_name\": \"Only\"}"
                    .formatted(i, prefix, i));
            if (i < 250) {
                bodies.add("{\"id\": \"ext-busy\", \"email\": \"%s-busy@backlog.test\", \"first_name\": \"V%d\"}"
                        .formatted(prefix, i));
            }
        }
        storeTogether(id, bodies.toArray(String[]::new));
        Thread.sleep(500);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE integration_id = ? AND status = 'received'", id))
                .as("nothing is applied while the integration is not active").isEqualTo(550);

        io.komo.sync.testing.Api.forceActivate(id);

        await().atMost(WAIT).until(() -> count("SELECT count(*) FROM webhook_delivery WHERE integration_id = ? "
                + "AND status = 'received'", id) == 0);
        assertThat(count("SELECT count(*) FROM contact WHERE email LIKE ? AND deleted_at IS NULL", prefix + "-%"))
                .as("one contact per external id").isEqualTo(301);
        viewer().queryParam("email", prefix + "-busy@backlog.test").get("/api/contacts").then()
                .body("items[0].firstName", equalTo("V249"));
        assertThat(count(
                "SELECT count(*) FROM sync_log WHERE integration_id = ? AND operation = 'contact.received.created'",
                id))
                .as("each contact created once").isEqualTo(301);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE integration_id = ? AND status = 'processed'",
                id)).isEqualTo(550);
    }

    /** Stores inbound webhooks in one transaction, as the webhook route would have one after the other. */
    private void storeTogether(String integrationId, String... bodies) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            Instant at = Instant.now();
            for (String body : bodies) {
                try (PreparedStatement insert = c
                        .prepareStatement("INSERT INTO webhook_delivery (id, direction, integration_id, "
                                + "payload, headers, status, received_at) VALUES (?, 'inbound', ?, ?, '{}'::jsonb, 'received', ?)")) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, integrationId);
                    insert.setString(3, body);
                    insert.setTimestamp(4, java.sql.Timestamp.from(at));
                    insert.executeUpdate();
                }
                at = at.plusMillis(1);
            }
            c.commit();
        }
    }

    private long count(String sql, String integrationId) throws Exception {
        List<String> rows = strings(sql, integrationId);
        return Long.parseLong(rows.get(0));
    }

    private List<String> strings(String sql, String integrationId) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            select.setString(1, integrationId);
            try (ResultSet rs = select.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            }
        }
    }
}
