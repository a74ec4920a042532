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
import org.junit.jupiter.api.Test;

/** The inbound conflict aggregator: one contact's changes grouped, merged with Komo once, and kept across a restart. */
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
                + "AND status = 'received'", id) == 0
                && count("SELECT count(*) FROM inbound_aggregation WHERE integration_id = ?", id) == 0);
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
    void groupsLeftInTheRepositoryByACrashAreAppliedWhenTheIntegrationStarts() throws Exception {
        String id = uniqueId("recover");
        admin().body(
                "{\"id\": \"%s\", \"platform\": \"webhook\", \"direction\": \"inbound\", \"auth\": {\"type\": \"none\"}, \"mapping\": %s}"
                        .formatted(id, MAPPING))
                .post("/api/integrations").then().statusCode(201);
        String open = uniqueEmail("open");
        String completed = uniqueEmail("completed");
        // As a crash leaves them: a group still open, and one completed whose application never committed.
        leaveGroup(id, "ext-open", open, false);
        leaveGroup(id, "ext-completed", completed, true);
        Thread.sleep(500);
        assertThat(count("SELECT count(*) FROM inbound_aggregation WHERE integration_id = ?", id))
                .as("nothing is applied while the integration is not active").isEqualTo(2);

        io.komo.sync.testing.Api.forceActivate(id);

        for (String email : List.of(open, completed)) {
            await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", email).get("/api/contacts").then()
                    .body("items.size()", equalTo(1)).body("items[0].firstName", equalTo("Recovered")));
        }
        await().atMost(WAIT)
                .until(() -> count("SELECT count(*) FROM inbound_aggregation WHERE integration_id = ?", id) == 0);
        assertThat(count(
                "SELECT count(*) FROM sync_log WHERE integration_id = ? AND operation = 'contact.received.created'",
                id))
                .as("each group applied once").isEqualTo(2);
    }

    private void leaveGroup(String integrationId, String externalId, String email, boolean completed) throws Exception {
        String change = """
                {"correlationKey": "%1$s|id:%2$s", "externalId": "%2$s", "deleted": false, "changedAt": null,
                 "fields": {"email": {"value": "%3$s", "changedAt": null}, "first_name": {"value": "Recovered", "changedAt": null}},
                 "eventIds": ["%4$s"]}"""
                .formatted(integrationId, externalId, email, UUID.randomUUID());
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO inbound_aggregation (group_id, integration_id, correlation_key, pending_change, completed_at, updated_at) "
                                + "VALUES (?, ?, ?, ?::jsonb, " + (completed ? "now()" : "NULL") + ", now())")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, integrationId);
            insert.setString(3, integrationId + "|id:" + externalId);
            insert.setString(4, change);
            insert.executeUpdate();
        }
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
