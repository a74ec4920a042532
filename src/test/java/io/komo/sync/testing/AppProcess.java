package io.komo.sync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The packaged application ({@code mvn package}: {@code target/quarkus-app}) in a process of its own, for the
 * {@code *IT} tests that kill it: a SIGKILL stops no thread politely, runs no shutdown hook and leaves the embedded
 * PostgreSQL running, as a crash of the service does. Each instance owns a temporary work directory (the data
 * directory, so a restart finds the same database, and an empty integrations directory, so only what the test creates
 * runs) and logs each start to {@code target/<name>/app-<start>.log}. The failsafe configuration in pom.xml says where
 * the jar, the project and the build directory are.
 *
 * <pre>{@code
 * AppProcess app = AppProcess.prepare("my-crash-it", Map.of("KOMO_RUNS_BATCH_SIZE", "200"));
 * app.start();
 * app.call("POST", "/api/integrations", definition, 201);
 * app.kill();
 * app.start(); // the same data
 * ...
 * app.close(); // @AfterAll: stops it, and a PostgreSQL a failed test left running, and deletes the work directory
 * }</pre>
 */
public final class AppProcess implements AutoCloseable {

    /** The admin's token the process is started with; {@link #call} sends it. */
    public static final String TOKEN = "app-process-it-admin-token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration START_LIMIT = Duration.ofSeconds(120);

    private final Path work;
    private final Path logs;
    private final Map<String, String> env;
    private Process process;
    private int port;
    private int starts;

    private AppProcess(Path work, Path logs, Map<String, String> env) {
        this.work = work;
        this.logs = logs;
        this.env = env;
    }

    /**
     * A new work directory, not started yet.
     *
     * @param name names the logs' directory under the build directory and the work directory
     * @param env  environment variables each start sets on top of the ones every test needs
     */
    public static AppProcess prepare(String name, Map<String, String> env) throws IOException {
        assertThat(jar()).as("the packaged application (mvn package)").exists();
        Path buildDir = Path.of(System.getProperty("komo.it.build-dir", "target"));
        Path logs = Files.createDirectories(buildDir.resolve(name));
        Path work = Files.createTempDirectory("komo-" + name + "-");
        // No definition files: only the integrations the test creates run.
        Files.createDirectories(work.resolve("integrations"));
        return new AppProcess(work, logs, Map.copyOf(env));
    }

    /** Starts the application on the work directory's data and waits until it is ready. */
    public void start() throws Exception {
        int attempt = ++starts;
        port = freePort();
        Path log = log(attempt);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", jar().toAbsolutePath().toString())
                .directory(Path.of(System.getProperty("komo.it.basedir", ".")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> environment = builder.environment();
        environment.put("KOMO_DATA_DIR", work.resolve("data").toString());
        environment.put("KOMO_INTEGRATIONS_DIR", work.resolve("integrations").toString());
        environment.put("KOMO_ADMIN_TOKEN", TOKEN);
        environment.put("KOMO_OUTBOUND_ALLOWLIST", "127.0.0.1");
        environment.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        environment.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // Not started, and bound to no fixed port: Camel Quarkus binds the server's port even when it does not
        // start it, and a Komo Sync running on this machine (a benchmark, another engineer's) holds 8778.
        environment.put("QUARKUS_CAMEL_JOLOKIA_SERVER_AUTO_START", "false");
        environment.put("QUARKUS_CAMEL_JOLOKIA_SERVER_PORT", "0");
        environment.putAll(env);
        process = builder.start();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("start " + attempt + " exited with " + process.exitValue() + "; see " + log
                        + ":\n" + tail(log));
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
        throw new AssertionError("start " + attempt + " was not ready within " + START_LIMIT.toSeconds() + " s; see "
                + log + ":\n" + tail(log));
    }

    /** SIGKILL: no shutdown hook, no rollback, no stopping of the embedded PostgreSQL. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the killed process exited").isTrue();
        assertThat(process.isAlive()).isFalse();
        assertThat(process.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
    }

    /** Stopped as an operator stops it (SIGTERM: the shutdown hook stops the embedded PostgreSQL), within 30 s. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The output of the given start, counted from 1. */
    public Path log(int start) {
        return logs.resolve("app-" + start + ".log");
    }

    /** The embedded PostgreSQL's pid file: there while a server runs on the work directory's data. */
    public Path postmasterPid() {
        return work.resolve("data/postgres/postmaster.pid");
    }

    /**
     * A connection to the embedded PostgreSQL a killed process left running: what it holds is exactly what the
     * application had committed when it died. Close it before the next {@link #start()}, which asks that server to
     * stop and waits for its clients to leave.
     */
    public Connection connectToLeftoverPostgres() throws IOException, SQLException {
        assertThat(isAlive()).as("the application is dead (kill it first)").isFalse();
        // postmaster.pid: the pid, the data directory, the start time, then the port.
        String port = Files.readAllLines(postmasterPid()).get(3).trim();
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres",
                "postgres");
    }

    /** Calls the API as the admin and checks the status; answers the body (JSON null when empty). */
    public JsonNode call(String method, String path, String body, int expected) throws Exception {
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

    /** A POST of a JSON body with the given headers and no token, as a platform calls {@code /webhooks/{id}}. */
    public HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every item of a paginated list ({@code {"items", "nextCursor"}}), read a page of 1,000 at a time. */
    public List<JsonNode> allItems(String path) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String separator = path.contains("?") ? "&" : "?";
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            JsonNode answer = call("GET",
                    path + separator + "limit=1000" + (cursor == null ? "" : "&cursor=" + cursor), null, 200);
            answer.get("items").forEach(items::add);
            JsonNode next = answer.get("nextCursor");
            if (next == null || next.isNull()) {
                return items;
            }
            cursor = next.asText();
        }
        throw new AssertionError("more than 1000 pages of " + path);
    }

    /** Every contact Komo holds, by email. */
    public Map<String, JsonNode> allContacts() throws Exception {
        Map<String, JsonNode> contacts = new LinkedHashMap<>();
        allItems("/api/contacts").forEach(c -> contacts.put(c.get("email").asText(), c));
        return contacts;
    }

    /** GETs {@code path} until its answer matches, polling every 50 ms; answers the matching one. */
    public JsonNode awaitAnswer(String path, Predicate<JsonNode> until, Duration limit) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            return await("GET " + path).atMost(limit).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        last.set(call("GET", path, null, 200));
                        return last.get();
                    }, until);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "GET " + path + " did not get there within " + limit.toSeconds() + " s: " + last.get(), e);
        }
    }

    /** Stops the application, and a PostgreSQL a failed test left running, then deletes the work directory. */
    @Override
    public void close() throws Exception {
        try {
            stop();
            stopLeftoverPostgres();
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A PostgreSQL the test's process left running (a failure before the restart stopped it). */
    private void stopLeftoverPostgres() throws IOException {
        Path pidFile = postmasterPid();
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

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Path jar() {
        return Path.of(System.getProperty("komo.it.app-jar", "target/quarkus-app/quarkus-run.jar"));
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
}
