package io.komo.sync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.AppProcess;

/**
 * The requirement, against the packaged application in a process of its own: a backfill killed
 * half-way (SIGKILL to the process, not a thread stopped) and restarted finishes with every contact
 * delivered once, in its final state.
 *
 * <p>The run commits each batch of {@code komo.runs.batch-size} contacts in one transaction with its
 * checkpoint. A batch whose platform calls succeeded but whose transaction never committed is sent again
 * after the restart: at-least-once per batch is the designed guarantee, so duplicates are allowed for the
 * contacts of that one batch only. Not real time, so only the run sends; contacts changed after the
 * restart and before the run reaches them must arrive with their new values.
 */
class BackfillCrashIT {

    private static final String INTEGRATION = "crash-backfill";
    private static final int CONTACTS = 3000;
    /** The run's transaction unit; the platform call takes 100, so one run batch is two calls. */
    private static final int RUN_BATCH = 200;
    private static final int CHANGED_AFTER_RESTART = 10;
    private static final Duration PLATFORM_DELAY = Duration.ofMillis(150);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AppProcess app;
    private static WebhookReceiverFake platform;

    @BeforeAll
    static void prepare() throws IOException {
        app = AppProcess.prepare("backfill-crash-it", Map.of("KOMO_RUNS_BATCH_SIZE", Integer.toString(RUN_BATCH)));
        platform = WebhookReceiverFake.start();
        // Slow enough that the backfill takes seconds and a call is almost always in flight.
        platform.delay(PLATFORM_DELAY, 10_000);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            if (platform != null) {
                platform.close();
            }
        }
    }

    @Test
    void backfillKilledHalfWayAndRestartedDeliversEveryContactOnceInItsFinalState() throws Exception {
        long started = System.nanoTime();
        app.start();

        // Contacts, and the order the run reads them in (PostgreSQL compares uuids as their hex text).
        List<String> ids = importContacts();
        List<String> byRunOrder = ids.stream().sorted().toList();

        app.call("POST", "/api/integrations", """
                {"id": "%s", "platform": "webhook", "direction": "outbound", "name": "Backfill crash test",
                 "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                 "trigger": {"realtime": false}, "batchSize": 100,
                 "rateLimit": {"requests": 1000, "perSeconds": 1},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "firstName"},
                             {"komo": "lastName", "external": "lastName"}, {"komo": "points", "external": "points"}]}"""
                .formatted(INTEGRATION, platform.baseUrl()), 201);
        // Activated without a test sync (an admin's audited force): the test sync would send contacts of the backfill.
        app.call("POST", "/api/integrations/" + INTEGRATION + "/activate",
                "{\"force\": true, \"reason\": \"crash test: the backfill is the test\"}", 200);
        String runId = app.call("POST", "/api/integrations/" + INTEGRATION + "/runs", "{\"type\": \"full\"}", 202)
                .get("id").asText();
        String runPath = "/api/integrations/" + INTEGRATION + "/runs/" + runId;

        // Half-way: several batches committed, more to come.
        JsonNode before = app.awaitAnswer(runPath, r -> r.get("processed").asLong() >= 3L * RUN_BATCH
                || !"running".equals(r.get("status").asText()), Duration.ofSeconds(60));
        assertThat(before.get("status").asText()).as("the run was still running when it was to be killed: " + before)
                .isEqualTo("running");
        assertThat(before.get("processed").asLong()).isLessThan(CONTACTS);

        app.kill();
        int requestsAtKill = platform.received().size();
        Set<String> deliveredBeforeKill = emails(platform.records());
        assertThat(deliveredBeforeKill).as("contacts delivered before the kill").isNotEmpty().hasSizeLessThan(CONTACTS);

        app.start(); // same data directory: same database, the run resumes from its checkpoint

        // Change contacts the run has not reached yet (the last ones in its order); it must send their new values.
        List<String> changed = byRunOrder.subList(CONTACTS - CHANGED_AFTER_RESTART, CONTACTS);
        Map<String, String> emailById = new HashMap<>();
        for (String id : changed) {
            int i = ids.indexOf(id);
            emailById.put(id, email(i));
            app.call("PATCH", "/api/contacts/" + id,
                    "{\"lastName\": \"Moved%d\", \"points\": %d}".formatted(i, 100_000 + i), 200);
        }
        assertThat(emails(platform.records())).as("the changed contacts had not been sent before they changed")
                .doesNotContainAnyElementsOf(emailById.values());

        JsonNode done = app.awaitAnswer(runPath, r -> !"running".equals(r.get("status").asText()),
                Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as("run after the restart: " + done).isEqualTo("completed");
        assertThat(done.get("processed").asLong()).as("processed").isEqualTo(CONTACTS);
        assertThat(done.get("total").asLong()).as("total").isEqualTo(CONTACTS);
        assertThat(done.get("failed").asLong()).as("dead-lettered").isZero();

        // What the platform got, against what Komo holds now.
        Map<String, JsonNode> komo = app.allContacts();
        assertThat(komo).hasSize(CONTACTS);
        List<Map<String, Object>> records = platform.records();
        Map<String, List<Map<String, Object>>> received = records.stream()
                .collect(Collectors.groupingBy(r -> String.valueOf(r.get("email")), LinkedHashMap::new,
                        Collectors.toList()));

        assertThat(received.keySet()).as("every contact reached the platform")
                .containsExactlyInAnyOrderElementsOf(komo.keySet());

        Map<String, Integer> duplicates = new LinkedHashMap<>();
        received.forEach((email, copies) -> {
            if (copies.size() > 1) {
                duplicates.put(email, copies.size());
            }
        });
        String atLeastOncePerBatch = "Each batch of " + RUN_BATCH
                + " contacts commits with the run's checkpoint; a batch"
                + " whose platform calls succeeded but whose transaction the kill prevented is sent again after the restart"
                + " (at-least-once per batch, by design). Duplicates are allowed for the contacts of that ONE batch only";
        assertThat(duplicates.values()).as(atLeastOncePerBatch + ": at most twice each").allMatch(n -> n == 2);
        assertThat(duplicates).as(atLeastOncePerBatch).hasSizeLessThanOrEqualTo(RUN_BATCH);
        assertThat(deliveredBeforeKill).as(atLeastOncePerBatch + ": first sent before the kill")
                .containsAll(duplicates.keySet());
        if (!duplicates.isEmpty()) {
            List<Integer> positions = duplicates.keySet().stream()
                    .map(email -> byRunOrder.indexOf(komo.get(email).get("id").asText())).sorted().toList();
            assertThat(positions.get(positions.size() - 1) - positions.get(0))
                    .as(atLeastOncePerBatch + ": one batch is " + RUN_BATCH + " neighbours in the run's order")
                    .isLessThan(RUN_BATCH);
        }

        List<String> wrong = new ArrayList<>();
        received.forEach((email, copies) -> {
            JsonNode contact = komo.get(email);
            Map<String, Object> last = copies.get(copies.size() - 1);
            if (!contact.get("id").asText().equals(last.get("komoContactId"))
                    || !contact.get("firstName").asText().equals(last.get("firstName"))
                    || !contact.get("lastName").asText().equals(last.get("lastName"))
                    || contact.get("points").asLong() != ((Number) last.get("points")).longValue()) {
                wrong.add(email + ": Komo " + contact + ", received " + last);
            }
        });
        assertThat(wrong).as("every contact arrived in the state Komo holds").isEmpty();
        for (String id : changed) {
            int i = ids.indexOf(id);
            assertThat(received.get(email(i))).as("changed after the restart, sent once with its new values")
                    .singleElement().satisfies(r -> {
                        assertThat(r.get("lastName")).isEqualTo("Moved" + i);
                        assertThat(r.get("points")).isEqualTo(100_000 + i);
                    });
        }

        // Stopped as an operator stops it (SIGTERM) while its routes still poll: the embedded PostgreSQL stops
        // after the application, so the stop logs no failed transaction, the last API usage counts are written
        // (they were lost with "connection refused"), and it leaves no server behind.
        Path log = app.log(2);
        int linesBeforeStop = Files.readAllLines(log).size();
        app.stop();
        assertThat(app.isAlive()).as("stopped within 30 s").isFalse();
        List<String> stopping = Files.readAllLines(log);
        assertThat(stopping.subList(linesBeforeStop, stopping.size())).as("what the stop logged")
                .noneMatch(line -> line.contains(" ERROR ") || line.contains("the database system is shutting down")
                        || line.contains("refused") || line.contains("Could not write the API usage"))
                .anyMatch(line -> line.contains("komo-sync stopped"));
        assertThat(app.postmasterPid()).as("the embedded PostgreSQL stopped").doesNotExist();

        System.out.printf("BackfillCrashIT: killed at %d of %d processed (%d platform calls), %d contacts sent twice, "
                + "%d calls in all, %d s%n", before.get("processed").asLong(), CONTACTS, requestsAtKill,
                duplicates.size(),
                platform.received().size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    // ---- the API ----

    private static String email(int i) {
        return "crash" + i + "@example.com";
    }

    /** The contacts' ids, by index. */
    private static List<String> importContacts() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode contacts = body.putArray("contacts");
        for (int i = 0; i < CONTACTS; i++) {
            contacts.addObject().put("email", email(i)).put("firstName", "First" + i).put("lastName", "Last" + i)
                    .put("points", i);
        }
        JsonNode result = app.call("POST", "/api/contacts/bulk", JSON.writeValueAsString(body), 200);
        assertThat(result.get("created").asInt()).as("created: " + result.get("failed")).isEqualTo(CONTACTS);
        List<String> ids = new ArrayList<>(CONTACTS);
        result.get("results").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    private static Set<String> emails(List<Map<String, Object>> records) {
        Set<String> emails = new HashSet<>();
        records.forEach(r -> emails.add(String.valueOf(r.get("email"))));
        return emails;
    }
}
