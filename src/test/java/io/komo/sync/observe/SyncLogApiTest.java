package io.komo.sync.observe;

import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class SyncLogApiTest {

    @Inject
    SyncLog syncLog;

    @Inject
    SyncLogRetention retention;

    @Inject
    DataSource dataSource;

    private static String uniqueIntegration() {
        return "logs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void entriesAreReadNewestFirstPageByPageAndFilteredByTypeContactAndTime() {
        String integration = uniqueIntegration();
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).minus(Duration.ofHours(1));
        syncLog.append(List.of(
                SyncLogEntry.success(integration, "contact.upserted", ann, "ext-1").at(t0),
                SyncLogEntry.fieldChanged(integration, "contact.updated", ann, "ext-1", "firstName", "Ann", "Anne")
                        .at(t0.plusSeconds(60)),
                SyncLogEntry.error(integration, "contact.upserted", bob, null, "422: email is invalid")
                        .at(t0.plusSeconds(120)),
                SyncLogEntry.conflict(integration, "conflict.resolved", ann, "ext-1", "tier", "GOLD", "SILVER", null)
                        .at(t0.plusSeconds(180)),
                SyncLogEntry.success(uniqueIntegration(), "contact.upserted", ann, "ext-9").at(t0)));

        List<String> operations = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = viewer().queryParam("integration", integration).queryParam("limit", 3)
                    .queryParam("cursor", cursor == null ? "" : cursor).get("/api/logs")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("items")).hasSizeLessThanOrEqualTo(3);
            operations.addAll(page.getList("items.operation"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(operations).containsExactly("conflict.resolved", "contact.upserted", "contact.updated",
                "contact.upserted");

        viewer().queryParam("integration", integration).queryParam("type", "error").get("/api/logs").then()
                .statusCode(200).body("items.size()", equalTo(1))
                .body("items[0].error", equalTo("422: email is invalid"))
                .body("items[0].contactId", equalTo(bob.toString()));
        viewer().queryParam("integration", integration).queryParam("type", "success")
                .queryParam("contact", ann.toString())
                .get("/api/logs").then().body("items.operation",
                        org.hamcrest.Matchers.contains("contact.updated", "contact.upserted"))
                .body("items[0].field", equalTo("firstName")).body("items[0].oldValue", equalTo("Ann"))
                .body("items[0].newValue", equalTo("Anne")).body("items[0].externalId", equalTo("ext-1"));
        viewer().queryParam("integration", integration).queryParam("from", t0.plusSeconds(60).toString())
                .queryParam("to", t0.plusSeconds(180).toString()).get("/api/logs").then()
                .body("items.operation", org.hamcrest.Matchers.contains("contact.upserted", "contact.updated"))
                .body("items[1].at", equalTo(t0.plusSeconds(60).toString()));
    }

    /** Entries go to the table as COPY text: values that mean something in that format must come back as written. */
    @Test
    void valuesAreStoredExactlyAsWrittenWhateverCharactersTheyHold() {
        String integration = uniqueIntegration();
        UUID contact = UUID.randomUUID();
        List<String> awkward = List.of("NULL", "", "say \"hi\"", "back\\slash", "{a,b}", "line\nbreak\ttab",
                "\\N", "carriage\r\nreturn", "Zoë 日本");
        List<SyncLogEntry> entries = new ArrayList<>();
        awkward.forEach(value -> entries
                .add(SyncLogEntry.fieldChanged(integration, "field.sent", contact, "ext-1", "note", value, null)));
        syncLog.append(entries);

        JsonPath page = viewer().queryParam("integration", integration).queryParam("limit", 50).get("/api/logs")
                .then().statusCode(200).extract().jsonPath();
        List<String> stored = new ArrayList<>(page.getList("items.oldValue"));
        java.util.Collections.reverse(stored);
        assertThat(stored).containsExactlyElementsOf(awkward);
        assertThat(page.getList("items.newValue")).containsOnlyNulls();
    }

    @Test
    void badParametersAreNamed() {
        assertBadParameter("type", "bogus");
        assertBadParameter("contact", "not-a-uuid");
        assertBadParameter("from", "yesterday");
        assertBadParameter("to", "2026-13-01");
        assertBadParameter("limit", "0");
        assertBadParameter("cursor", "abc");
        viewer().queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", "2026-01-01T00:00:00Z").get("/api/logs")
                .then().statusCode(400).body("errors[0].field", equalTo("to"));
    }

    private static void assertBadParameter(String name, String value) {
        viewer().queryParam(name, value).get("/api/logs").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo(name));
    }

    @Test
    void retentionDeletesEntriesOlderThanTheRetentionAndKeepsNewerOnes() throws Exception {
        String integration = uniqueIntegration();
        Instant now = Instant.now();
        long old = insertDirectly(integration, now.minus(Duration.ofDays(91)));
        long recent = insertDirectly(integration, now.minus(Duration.ofDays(89)));

        assertThat(retention.deleteExpired()).isGreaterThanOrEqualTo(1);

        assertThat(exists(old)).as("the 91-day-old entry").isFalse();
        assertThat(exists(recent)).as("the 89-day-old entry").isTrue();
    }

    @Test
    void retentionAlsoDeletesOldSettledWebhookDeliveriesButNeverPendingOnes() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(91));
        UUID delivered = insertDelivery("delivered", old);
        UUID failed = insertDelivery("failed", old);
        UUID pending = insertDelivery("pending", old);
        UUID recent = insertDelivery("delivered", Instant.now().minus(Duration.ofDays(89)));

        assertThat(retention.deleteExpired()).isGreaterThanOrEqualTo(2);

        assertThat(deliveryExists(delivered)).as("an old delivered one").isFalse();
        assertThat(deliveryExists(failed)).as("an old failed one").isFalse();
        assertThat(deliveryExists(pending)).as("an old pending one").isTrue();
        assertThat(deliveryExists(recent)).as("a recent one").isTrue();
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM webhook_delivery WHERE id = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("uuid", new Object[]{pending, recent}));
            delete.executeUpdate();
        }
    }

    @Test
    void processedInboundWebhooksAreDeletedAfterTheRetentionByTheirOwnRoute() throws Exception {
        Instant old = Instant.now().minus(Duration.ofDays(91));
        UUID processed = insertDelivery("inbound", "processed", old);
        UUID received = insertDelivery("inbound", "received", old);
        UUID recent = insertDelivery("inbound", "processed", Instant.now().minus(Duration.ofDays(89)));

        // The route inbound-webhooks.retention runs every 500 ms in tests.
        await().atMost(Duration.ofSeconds(10)).until(() -> !deliveryExists(processed));

        assertThat(deliveryExists(received)).as("an old one not yet processed").isTrue();
        assertThat(deliveryExists(recent)).as("a recent processed one").isTrue();
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM webhook_delivery WHERE id = ANY (?)")) {
            delete.setArray(1, c.createArrayOf("uuid", new Object[]{received, recent}));
            delete.executeUpdate();
        }
    }

    private UUID insertDelivery(String status, Instant at) throws Exception {
        return insertDelivery("outbound", status, at);
    }

    private UUID insertDelivery(String direction, String status, Instant at) throws Exception {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_delivery (id, direction, subscription_id, event_type, payload, status, received_at) "
                                + "VALUES (?, ?, ?, 'contact.created', '{}', ?, ?)")) {
            insert.setObject(1, id);
            insert.setString(2, direction);
            insert.setObject(3, UUID.randomUUID());
            insert.setString(4, status);
            insert.setTimestamp(5, Timestamp.from(at));
            insert.executeUpdate();
        }
        return id;
    }

    private boolean deliveryExists(UUID id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT 1 FROM webhook_delivery WHERE id = ?")) {
            select.setObject(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }

    private long insertDirectly(String integration, Instant at) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO sync_log (at, integration_id, type, operation) VALUES (?, ?, 'success', 'contact.upserted') RETURNING id")) {
            insert.setTimestamp(1, Timestamp.from(at));
            insert.setString(2, integration);
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private boolean exists(long id) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement("SELECT 1 FROM sync_log WHERE id = ?")) {
            select.setLong(1, id);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next();
            }
        }
    }
}
