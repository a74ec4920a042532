package io.komo.sync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.komo.sync.security.StandardWebhooks;
import io.komo.sync.testing.AppProcess;

/**
 * Issue 11's crash test of the batched inbound apply, against the packaged application in a process of its own: a
 * backlog of stored webhooks killed (SIGKILL) while it drains and restarted on the same data ends with every change
 * applied once, in the order the platform sent it.
 *
 * <p>A claim of {@code komo.inbound.batch-size} stored webhooks, the aggregator's groups and their apply commit in
 * one transaction, so unlike a backfill (at-least-once per batch) nothing may come twice: the claim in flight at the
 * kill is rolled back whole and claimed again after the restart. The platform sends most contacts once and some
 * several times with increasing values, some of those changes close together (they fold in one claim) and some far
 * apart (in different claims, on both sides of the kill), one contact's changes one after the other.
 */
class InboundCrashIT {

    private static final String INTEGRATION = "crash-inbound";
    private static final String STATUS = "/api/integrations/" + INTEGRATION + "/status";
    /** Small claims, so the backlog takes many of them and the kill lands between two commits of the drain. */
    private static final int BATCH = 500;
    private static final int CONTACTS_CHANGED_ONCE = 18_500;
    private static final int CONTACTS_CHANGED_OFTEN = 300;
    private static final int CHANGES_EACH = 5;
    private static final int CONTACTS = CONTACTS_CHANGED_ONCE + CONTACTS_CHANGED_OFTEN;
    private static final int CHANGES = CONTACTS_CHANGED_ONCE + CONTACTS_CHANGED_OFTEN * CHANGES_EACH;
    /** The platform's connections; one contact's changes all go through one, in order. */
    private static final int CONNECTIONS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AppProcess app;

    /** One change the platform sends: the {@code version}-th of contact {@code contact}. */
    private record Change(int contact, int version, String body) {
    }

    @BeforeAll
    static void prepare() throws Exception {
        app = AppProcess.prepare("inbound-crash-it", Map.of("KOMO_INBOUND_BATCH_SIZE", Integer.toString(BATCH),
                // the whole burst waits while the integration is paused: none of it may be refused
                "KOMO_INBOUND_MAX_BACKLOG", Integer.toString(2 * CHANGES)));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void aBacklogKilledWhileItDrainsAndRestartedAppliesEveryChangeOnceAndInOrder() throws Exception {
        long started = System.nanoTime();
        app.start();
        String secret = StandardWebhooks.newSecret();
        app.call("PUT", "/api/credentials/" + INTEGRATION + "-signing",
                "{\"type\": \"webhook-secret\", \"secret\": \"%s\"}".formatted(secret), 201);
        app.call("POST", "/api/integrations", """
                {"id": "%s", "platform": "webhook", "direction": "inbound", "name": "Inbound crash test",
                 "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"},
                 "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s}"""
                .formatted(INTEGRATION, INTEGRATION, WebhookIntegrations.MAPPING), 201);
        // A push-only platform has nothing a test sync could read: an admin's audited force.
        app.call("POST", "/api/integrations/" + INTEGRATION + "/activate",
                "{\"force\": true, \"reason\": \"crash test: the platform only pushes\"}", 200);
        // Paused, it stores what the platform sends and applies nothing: the whole burst becomes a backlog.
        app.call("POST", "/api/integrations/" + INTEGRATION + "/pause", null, 200);

        long posting = System.nanoTime();
        List<String> refused = send(changes(), secret);
        long postSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - posting);
        assertThat(refused).as("every change was acknowledged (202)").isEmpty();
        app.awaitAnswer(STATUS, s -> s.get("inbound").get("backlog").asLong() == CHANGES, Duration.ofSeconds(10));

        app.call("POST", "/api/integrations/" + INTEGRATION + "/resume", null, 200);
        // Part-way: several claims committed, most of the backlog still waiting.
        app.awaitAnswer(STATUS, s -> s.get("inbound").get("backlog").asLong() <= CHANGES - 4L * BATCH,
                Duration.ofSeconds(60));
        app.kill();

        // What the dead service had committed, read from the PostgreSQL it left running (no API is left to ask).
        long appliedAtKill;
        try (Connection db = app.connectToLeftoverPostgres()) {
            Map<String, Long> atKill = committedAtKill(db);
            appliedAtKill = atKill.get("applied");
            assertThat(atKill.get("stored")).as("every acknowledged change was stored").isEqualTo(CHANGES);
            assertThat(appliedAtKill).as("the kill landed while the backlog drained: " + atKill).isPositive()
                    .isLessThan(CHANGES);
            assertThat(atKill.get("contacts")).as("the claim in flight left nothing half-applied: " + atKill)
                    .isEqualTo(atKill.get("appliedContacts"));
        }

        long restarted = System.nanoTime();
        app.start(); // same data directory: same database, the stored webhooks not applied yet are claimed again
        // The platform goes on sending. Claims take the oldest first, so once this one is applied, all before it are.
        Change afterRestart = change(CONTACTS, 0, true);
        assertThat(send(List.of(afterRestart), secret)).as("refused after the restart").isEmpty();
        app.awaitAnswer("/api/contacts?email=" + email(CONTACTS), c -> c.get("items").size() == 1,
                Duration.ofSeconds(60));
        long drainSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restarted);
        JsonNode status = app.awaitAnswer(STATUS, s -> s.get("inbound").get("backlog").asLong() == 0,
                Duration.ofSeconds(10));
        assertThat(status.get("inbound").get("refusedToday").asLong()).as("refused").isZero();

        // Every contact once, with the last value of each field the platform sent.
        Map<String, JsonNode> komo = app.allContacts();
        assertThat(komo).as("contacts Komo holds").hasSize(CONTACTS + 1);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i <= CONTACTS; i++) {
            JsonNode contact = komo.get(email(i));
            String tier = i < CONTACTS_CHANGED_OFTEN ? "gold" : null;
            if (contact == null || !("First" + i).equals(text(contact, "firstName"))
                    || !("v" + lastVersion(i)).equals(text(contact, "lastName"))
                    || !Objects.equals(tier, text(contact, "tier"))) {
                wrong.add(email(i) + ": " + contact);
            }
        }
        assertThat(wrong).as("contacts not in the state the platform's last changes left").isEmpty();

        // The sync log: each contact created once, and each update a step forward from the one before it.
        List<JsonNode> log = app.allItems("/api/logs?integration=" + INTEGRATION);
        log.sort(Comparator.comparingLong(e -> e.get("id").asLong()));
        Map<String, Long> created = log.stream()
                .filter(e -> "contact.received.created".equals(e.get("operation").asText()))
                .collect(Collectors.groupingBy(e -> e.get("externalId").asText(), Collectors.counting()));
        assertThat(created).as("contact.received.created per external id").hasSize(CONTACTS + 1)
                .allSatisfy((externalId, times) -> assertThat(times).as(externalId).isEqualTo(1));
        Map<String, List<JsonNode>> lastNames = log.stream()
                .filter(e -> "field.received".equals(e.get("operation").asText())
                        && "last_name".equals(text(e, "field")))
                .collect(Collectors.groupingBy(e -> e.get("externalId").asText(), LinkedHashMap::new,
                        Collectors.toList()));
        List<String> outOfOrder = new ArrayList<>();
        lastNames.forEach((externalId, updates) -> {
            String before = "v0";
            for (JsonNode update : updates) {
                if (text(update, "newValue").compareTo(before) <= 0) {
                    outOfOrder.add(externalId + ": " + updates);
                    break;
                }
                before = text(update, "newValue");
            }
        });
        assertThat(outOfOrder).as("last_name updates that repeat or go back").isEmpty();
        Map<Boolean, Long> foldedOrNot = IntStream.range(0, CONTACTS_CHANGED_OFTEN).boxed()
                .collect(Collectors.partitioningBy(
                        i -> lastNames.getOrDefault("ext-" + i, List.of()).size() < CHANGES_EACH - 1,
                        Collectors.counting()));
        assertThat(foldedOrNot.get(true)).as("contacts whose changes folded into fewer updates").isPositive();
        assertThat(foldedOrNot.get(false)).as("contacts updated once per change after their creation").isPositive();

        assertThat(app.call("GET", "/api/dead-letters?integration=" + INTEGRATION, null, 200).get("items"))
                .as("dead letters").isEmpty();
        assertThat(app.call("GET", "/api/duplicates?integration=" + INTEGRATION, null, 200).get("items"))
                .as("records waiting for a person to choose their contact").isEmpty();

        System.out.printf("InboundCrashIT: killed at %d of %d changes applied (batches of %d, %d contacts), "
                + "%d s to post them, all applied %d s after the restart, %d s in all%n", appliedAtKill, CHANGES,
                BATCH, CONTACTS, postSeconds, drainSeconds,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    /**
     * What the platform sends, in the order it sends it: contacts {@code 0 .. CONTACTS_CHANGED_OFTEN-1} change
     * {@link #CHANGES_EACH} times (the even ones a few changes apart, folded in one claim; the odd ones thousands apart,
     * in different claims), the others once; a fixed seed, so a failure can be run again.
     */
    private static List<Change> changes() {
        Random random = new Random(11);
        Map<Change, Double> at = new LinkedHashMap<>();
        for (int i = 0; i < CONTACTS; i++) {
            if (i < CONTACTS_CHANGED_OFTEN) {
                int gap = i % 2 == 0 ? 1 + random.nextInt(20) : CHANGES / CHANGES_EACH - random.nextInt(500);
                double first = random.nextDouble() * (CHANGES - (CHANGES_EACH - 1) * gap);
                for (int v = 0; v < CHANGES_EACH; v++) {
                    at.put(change(i, v, v == CHANGES_EACH - 1), first + v * gap + v * 1e-3);
                }
            } else {
                at.put(change(i, 0, true), random.nextDouble() * CHANGES);
            }
        }
        List<Change> changes = at.entrySet().stream().sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .toList();
        assertThat(changes).hasSize(CHANGES);
        return changes;
    }

    /** The first change names the contact; the last of a contact changed often sets its tier. */
    private static Change change(int contact, int version, boolean last) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", "ext-" + contact);
        fields.put("email", email(contact));
        if (version == 0) {
            fields.put("first_name", "First" + contact);
        }
        fields.put("last_name", "v" + version);
        if (last && contact < CONTACTS_CHANGED_OFTEN) {
            fields.put("tier", "gold");
        }
        try {
            return new Change(contact, version, JSON.writeValueAsString(fields));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Posts the changes signed as the platform signs them (Standard Webhooks), over {@link #CONNECTIONS} connections
     * side by side; a contact's changes go through one connection, one after the other. Answers those not taken (202).
     */
    private static List<String> send(List<Change> changes, String secret) throws Exception {
        StandardWebhooks signer = StandardWebhooks.fromSecret(secret);
        Map<Integer, List<Change>> byConnection = changes.stream()
                .collect(Collectors.groupingBy(c -> c.contact() % CONNECTIONS));
        ExecutorService platform = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<List<String>>> sent = new ArrayList<>();
            for (List<Change> ordered : byConnection.values()) {
                sent.add(platform.submit(() -> {
                    List<String> notTaken = new ArrayList<>();
                    for (Change change : ordered) {
                        HttpResponse<String> answer = app.post("/webhooks/" + INTEGRATION,
                                signer.signedHeaders(Instant.now(), change.body()), change.body());
                        if (answer.statusCode() != 202) {
                            notTaken.add(change + ": " + answer.statusCode() + " " + answer.body());
                        }
                    }
                    return notTaken;
                }));
            }
            List<String> notTaken = new ArrayList<>();
            for (Future<List<String>> connection : sent) {
                notTaken.addAll(connection.get(5, TimeUnit.MINUTES));
            }
            return notTaken;
        } finally {
            platform.shutdownNow();
        }
    }

    /** Stored and applied webhooks, the contacts the applied ones name, and the contacts Komo holds. */
    private static Map<String, Long> committedAtKill(Connection db) throws Exception {
        try (PreparedStatement count = db.prepareStatement("""
                SELECT count(*),
                       count(*) FILTER (WHERE status = 'processed'),
                       count(DISTINCT payload::jsonb ->> 'id') FILTER (WHERE status = 'processed'),
                       (SELECT count(*) FROM contact WHERE deleted_at IS NULL)
                FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ?""")) {
            count.setString(1, INTEGRATION);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                Map<String, Long> counts = new LinkedHashMap<>();
                counts.put("stored", rs.getLong(1));
                counts.put("applied", rs.getLong(2));
                counts.put("appliedContacts", rs.getLong(3));
                counts.put("contacts", rs.getLong(4));
                return counts;
            }
        }
    }

    private static int lastVersion(int contact) {
        return contact < CONTACTS_CHANGED_OFTEN ? CHANGES_EACH - 1 : 0;
    }

    private static String email(int contact) {
        return "inbound-crash" + contact + "@example.com";
    }

    /** A member's text; null when it is absent or JSON null. */
    private static String text(JsonNode node, String member) {
        JsonNode value = node.get(member);
        return value == null || value.isNull() ? null : value.asText();
    }
}
