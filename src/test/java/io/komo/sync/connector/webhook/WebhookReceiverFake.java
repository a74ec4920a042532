package io.komo.sync.connector.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A custom endpoint for tests: a WireMock server on a free loopback port that records every request and
 * answers {@code 200 {"ok":true}} unless told to answer the next calls otherwise (an error status, a 429
 * with Retry-After, a delay long enough for the caller to time out). The engine's end-to-end tests
 * point integrations at {@link #baseUrl()}; the %test allowlist lets 127.0.0.1 through the SSRF guard.
 *
 * <pre>{@code
 * try (WebhookReceiverFake receiver = WebhookReceiverFake.start()) {
 *     receiver.answer(500, 2);                    // the next two calls fail, then 200 again
 *     ... run a sync against receiver.baseUrl() ...
 *     assertThat(receiver.received()).hasSize(3);
 * }
 * }</pre>
 *
 * <p>A test class whose every test needs one registers it as an extension; each test then gets it started
 * afresh (a new port, nothing recorded or planned) and stopped after its {@code @AfterEach} methods:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();
 * }</pre>
 *
 * The field is static because under {@code @QuarkusTest} the instance JUnit takes extensions from is not
 * the one the test method runs on.
 */
public final class WebhookReceiverFake implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    /** One request as it arrived; header names are lower-case, each with its first value. */
    public record Received(String method, String url, Map<String, String> headers, String body) {

        /** The path without the query. */
        public String path() {
            int query = url.indexOf('?');
            return query < 0 ? url : url.substring(0, query);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private record Planned(int status, Map<String, String> headers, String body, Duration delay) {
    }

    private static final String DEFAULT_BODY = "{\"ok\":true}";

    private final ConcurrentLinkedQueue<Planned> planned = new ConcurrentLinkedQueue<>();
    private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
    private static final ObjectMapper RECORDS = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> RECORD_TYPE = new TypeReference<>() {
    };

    /** Null until started; a new one for each start, since a stopped WireMock server is not restarted. */
    private WireMockServer server;

    private WebhookReceiverFake() {
    }

    public static WebhookReceiverFake start() {
        WebhookReceiverFake fake = new WebhookReceiverFake();
        fake.startServer();
        return fake;
    }

    /** Not started yet: as a JUnit extension it starts before each test and stops after it. */
    public static WebhookReceiverFake eachTest() {
        return new WebhookReceiverFake();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        reset();
        startServer();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }

    private void startServer() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().containerThreads(8)
                .extensions(new Answerer()));
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.port();
    }

    /** The next {@code times} calls answer {@code status} with an empty JSON object. */
    public WebhookReceiverFake answer(int status, int times) {
        return answer(status, "{}", times);
    }

    /** The next {@code times} calls answer {@code status} with {@code body} (JSON). */
    public WebhookReceiverFake answer(int status, String body, int times) {
        return plan(new Planned(status, Map.of(), body, Duration.ZERO), times);
    }

    /** The next {@code times} calls answer {@code status} with these headers and {@code body}. */
    public WebhookReceiverFake answer(int status, Map<String, String> headers, String body, int times) {
        return plan(new Planned(status, Map.copyOf(headers), body, Duration.ZERO), times);
    }

    /** The next {@code times} calls answer 429 with {@code Retry-After: <seconds>}. */
    public WebhookReceiverFake throttle(int retryAfterSeconds, int times) {
        return answer(429, Map.of("Retry-After", Integer.toString(retryAfterSeconds)), "{\"error\":\"slow down\"}",
                times);
    }

    /** The next {@code times} calls answer 200 only after {@code delay}: longer than the caller's timeout, it is one. */
    public WebhookReceiverFake delay(Duration delay, int times) {
        return plan(new Planned(200, Map.of(), DEFAULT_BODY, delay), times);
    }

    /** Every request so far, in arrival order. */
    public List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public Received lastReceived() {
        List<Received> all = received();
        if (all.isEmpty()) {
            throw new AssertionError("the receiver has not been called");
        }
        return all.get(all.size() - 1);
    }

    /**
     * Every record received, in arrival order, as maps: a body is one JSON object or, for batches, an
     * array of them. A body that is not JSON fails the test.
     */
    public List<Map<String, Object>> records() {
        List<Map<String, Object>> records = new ArrayList<>();
        for (Received request : received()) {
            try {
                JsonNode body = RECORDS.readTree(request.body());
                for (JsonNode record : body.isArray() ? body : RECORDS.createArrayNode().add(body)) {
                    records.add(RECORDS.convertValue(record, RECORD_TYPE));
                }
            } catch (IOException e) {
                throw new AssertionError("the receiver got a body that is not JSON: " + request.body(), e);
            }
        }
        return records;
    }

    /** The records received for one email, in arrival order. */
    public List<Map<String, Object>> recordsFor(String email) {
        return records().stream().filter(r -> email.equals(r.get("email"))).toList();
    }

    /** Forgets recorded requests and planned answers. */
    public void reset() {
        planned.clear();
        received.clear();
    }

    @Override
    public void close() {
        server.stop();
    }

    private WebhookReceiverFake plan(Planned answer, int times) {
        for (int i = 0; i < times; i++) {
            planned.add(answer);
        }
        return this;
    }

    /** Records each request and hands out the planned answers one by one. */
    private final class Answerer implements ResponseDefinitionTransformerV2 {

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            Map<String, String> headers = new LinkedHashMap<>();
            for (HttpHeader header : request.getHeaders().all()) {
                headers.put(header.key().toLowerCase(Locale.ROOT), header.firstValue());
            }
            received.add(new Received(request.getMethod().getName(), request.getUrl(), Map.copyOf(headers),
                    request.getBodyAsString()));
            Planned answer = planned.poll();
            if (answer == null) {
                answer = new Planned(200, Map.of(), DEFAULT_BODY, Duration.ZERO);
            }
            ResponseDefinitionBuilder response = aResponse().withStatus(answer.status())
                    .withHeader("Content-Type", "application/json").withBody(answer.body());
            answer.headers().forEach(response::withHeader);
            if (!answer.delay().isZero()) {
                response.withFixedDelay((int) answer.delay().toMillis());
            }
            return response.build();
        }

        @Override
        public String getName() {
            return "komo-webhook-receiver-fake";
        }
    }
}
