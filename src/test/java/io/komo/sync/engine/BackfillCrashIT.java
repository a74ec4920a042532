package io.komo.sync.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.komo.sync.connector.webhook.WebhookReceiverFake;

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

    private static final String TOKEN = "backfill-crash-it-token";
    private static final String INTEGRATION = "crash-backfill";
    private static final int CONTACTS = 3000;
    /** The run's transaction unit; the platform call takes 100, so one run batch is two calls. */
    private static final int RUN_BATCH = 200;
    private static final int CHANGED_AFTER_RESTART = 10;
    private static final Duration PLATFORM_DELAY = Duration.ofMillis(150);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static Path logs;
    private static WebhookReceiverFake platform;
    private static Process app;
    private static int port;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void prepare() throws IOException {
        Path jar = Path.of(System.getProperty("komo.it.app-jar", "target/quarkus-app/quarkus-run.jar"));
        assertThat(jar).as("the packaged application (mvn package)").exists();
        Path buildDir = Path.of(System.getProperty("komo.it.build-dir", "target"));
        logs = Files.createDirectories(buildDir.resolve("backfill-crash-it"));
        work = Files.createTempDirectory("komo-backfill-crash-");
        // No definition files: only the integration this test creates runs.
        Files.createDirectories(work.resolve("integrations"));
        platform = WebhookReceiverFake.start();
        // Slow enough that the backfill takes seconds and a call is almost always in flight.
        platform.delay(PLATFORM_DELAY, 10_000);
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try {
            stopApp();
            stopLeftoverPostgres();
        } finally {
            if (platform != null) {
                platform.close();
            }
            if (work != null) {
                try (Stream<Path> files = Files.walk(work)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    @Test
    void backfillKilledHalfWayAndRestartedDeliversEveryContactOnceInItsFinalState() throws Exception {
        long started = System.nanoTime();
        startApp(1);

        // Contacts, and the order the run reads them in (PostgreSQL compares uuids as their hex text).
        List<String> ids = importContacts();
        List<String> byRunOrder = ids.stream().sorted().toList();

        call("POST", "/api/integrations", """
                {"id": "%s", "platform": "webhook", "direction": "outbound", "name": "Backfill crash test",
                 "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                 "trigger": {"realtime": false}, "batchSize": 100,
                 "rateLimit": {"requests": 1000, "perSeconds": 1},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "firstName"},
                             {"komo": "lastName", "external": "lastName"}, {"komo": "points", "external": "points"}]}"""
                .formatted(INTEGRATION, platform.baseUrl()), 201);
        // Activated without a test sync (an admin's audited force): the test sync would send contacts of the backfill.
        call("POST", "/api/integrations/" + INTEGRATION + "/activate",
                "{\"force\": true, \"reason\": \"crash test: the backfill is the test\"}", 200);
        String runId = call("POST", "/api/integrations/" + INTEGRATION + "/runs", "{\"type\": \"full\"}", 202)
                .get("id").asText();
        String runPath = "/api/integrations/" + INTEGRATION + "/runs/" + runId;

        // Half-way: several batches committed, more to come.
        JsonNode before = waitForRun(runPath, r -> r.get("processed").asLong() >= 3L * RUN_BATCH
                || !"running".equals(r.get("status").asText()), Duration.ofSeconds(60));
        assertThat(before.get("status").asText()).as("the run was still running when it was to be killed: " + before)
                .isEqualTo("running");
        assertThat(before.get("processed").asLong()).isLessThan(CONTACTS);

        app.destroyForcibly(); // SIGKILL: no shutdown hook, no rollback, no stopping of the embedded PostgreSQL
        assertThat(app.waitFor(10, TimeUnit.SECONDS)).as("the killed process exited").isTrue();
        assertThat(app.isAlive()).isFalse();
        assertThat(app.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
        int requestsAtKill = platform.received().size();
        Set<String> deliveredBeforeKill = emails(platform.records());
        assertThat(deliveredBeforeKill).as("contacts delivered before the kill").isNotEmpty().hasSizeLessThan(CONTACTS);

        startApp(2); // same data directory: same database, the run resumes from its checkpoint

        // Change contacts the run has not reached yet (the last ones in its order); it must send their new values.
        List<String> changed = byRunOrder.subList(CONTACTS - CHANGED_AFTER_RESTART, CONTACTS);
        Map<String, String> emailById = new HashMap<>();
        for (String id : changed) {
            int i = ids.indexOf(id);
            emailById.put(id, email(i));
            call("PATCH", "/api/contacts/" + id,
                    "{\"lastName\": \"Moved%d\", \"points\": %d}".formatted(i, 100_000 + i), 200);
        }
        assertThat(emails(platform.records())).as("the changed contacts had not been sent before they changed")
                .doesNotContainAnyElementsOf(emailById.values());

        JsonNode done = waitForRun(runPath, r -> !"running".equals(r.get("status").asText()), Duration.ofSeconds(90));
        assertThat(done.get("status").asText()).as("run after the restart: " + done).isEqualTo("completed");
        assertThat(done.get("processed").asLong()).as("processed").isEqualTo(CONTACTS);
        assertThat(done.get("total").asLong()).as("total").isEqualTo(CONTACTS);
        assertThat(done.get("failed").asLong()).as("dead-lettered").isZero();

        // What the platform got, against what Komo holds now.
        Map<String, JsonNode> komo = allContacts();
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
        Path log = logs.resolve("app-2.log");
        int linesBeforeStop = Files.readAllLines(log).size();
        stopApp();
        assertThat(app.isAlive()).as("stopped within 30 s").isFalse();
        List<String> stopping = Files.readAllLines(log);
        assertThat(stopping.subList(linesBeforeStop, stopping.size())).as("what the stop logged")
                .noneMatch(line -> line.contains(" ERROR ") || line.contains("the database system is shutting down")
                        || line.contains("refused") || line.contains("Could not write the API usage"))
                .anyMatch(line -> line.contains("komo-sync stopped"));
        assertThat(work.resolve("data/postgres/postmaster.pid")).as("the embedded PostgreSQL stopped").doesNotExist();

        System.out.printf("BackfillCrashIT: killed at %d of %d processed (%d platform calls), %d contacts sent twice, "
                + "%d calls in all, %d s%n", before.get("processed").asLong(), CONTACTS, requestsAtKill,
                duplicates.size(),
                platform.received().size(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    }

    // ---- the application process ----

    private static void startApp(int attempt) throws Exception {
        port = freePort();
        Path log = logs.resolve("app-" + attempt + ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", Path.of(System.getProperty("komo.it.app-jar", "target/quarkus-app/quarkus-run.jar"))
                        .toAbsolutePath().toString())
                .directory(Path.of(System.getProperty("komo.it.basedir", ".")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("KOMO_DATA_DIR", work.resolve("data").toString());
        env.put("KOMO_INTEGRATIONS_DIR", work.resolve("integrations").toString());
        env.put("KOMO_ADMIN_TOKEN", TOKEN);
        env.put("KOMO_OUTBOUND_ALLOWLIST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_CAMEL_JOLOKIA_SERVER_AUTO_START", "false");
        env.put("KOMO_RUNS_BATCH_SIZE", Integer.toString(RUN_BATCH));
        app = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!app.isAlive()) {
                throw new AssertionError(
                        "start " + attempt + " exited with " + app.exitValue() + "; see " + log + ":\n" + tail(log));
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(uri("/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("start " + attempt + " was not ready within 120 s; see " + log + ":\n" + tail(log));
    }

    private static void stopApp() throws InterruptedException {
        if (app != null && app.isAlive()) {
            app.destroy(); // SIGTERM: the shutdown hook stops the embedded PostgreSQL
            if (!app.waitFor(30, TimeUnit.SECONDS)) {
                app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A PostgreSQL the test's process left running (a failure before the restart stopped it). */
    private static void stopLeftoverPostgres() throws Exception {
        if (work == null) {
            return;
        }
        Path pidFile = work.resolve("data/postgres/postmaster.pid");
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().commandLine().map(c -> c.contains(work.toString())).orElse(false))
                    .ifPresent(p -> {
                        p.destroy();
                        p.onExit().completeOnTimeout(null, 30, TimeUnit.SECONDS).join();
                    });
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
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
        JsonNode result = call("POST", "/api/contacts/bulk", JSON.writeValueAsString(body), 200);
        assertThat(result.get("created").asInt()).as("created: " + result.get("failed")).isEqualTo(CONTACTS);
        List<String> ids = new ArrayList<>(CONTACTS);
        result.get("results").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }

    /** Every contact Komo holds, by email. */
    private static Map<String, JsonNode> allContacts() throws Exception {
        Map<String, JsonNode> contacts = new HashMap<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            JsonNode answer = call("GET", "/api/contacts?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor),
                    null, 200);
            answer.get("items").forEach(c -> contacts.put(c.get("email").asText(), c));
            JsonNode next = answer.get("nextCursor");
            if (next == null || next.isNull()) {
                return contacts;
            }
            cursor = next.asText();
        }
        throw new AssertionError("more than 100 pages of contacts");
    }

    private static JsonNode waitForRun(String path, Predicate<JsonNode> until, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = call("GET", path, null, 200);
            if (until.test(run)) {
                return run;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the run did not get there within " + limit.toSeconds() + " s: " + run);
    }

    private static Set<String> emails(List<Map<String, Object>> records) {
        Set<String> emails = new HashSet<>();
        records.forEach(r -> emails.add(String.valueOf(r.get("email"))));
        return emails;
    }

    private static JsonNode call(String method, String path, String body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(expected);
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
