package io.komo.sync.connector.ledger;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.komo.sync.connector.ConnectorContractTest;

/**
 * The ledger platform on loopback (see {@link LedgerConnector} for its API): a WireMock server that keeps the entries
 * it is sent, refuses an entry whose email has no {@code @} while taking the rest of its batch, answers 401 without a
 * bearer token, pages its entries in the order they last changed, and signs webhooks as the ledger does. As a JUnit
 * extension it starts afresh before each test and stops after it.
 */
public final class LedgerFake implements ConnectorContractTest.PlatformFake, BeforeEachCallback, AfterEachCallback {

    private record Planned(int status, Map<String, String> headers, String body) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<Planned> planned = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    /** Entries by id, each with the sequence number of its last change. */
    private final Map<String, ObjectNode> entries = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> upserted = Collections.synchronizedList(new ArrayList<>());
    private final List<String> deleted = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger sequence = new AtomicInteger();
    private WireMockServer server;

    @Override
    public void beforeEach(ExtensionContext context) {
        planned.clear();
        calls.set(0);
        entries.clear();
        upserted.clear();
        deleted.clear();
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(new Ledger()));
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.stop();
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void answerNext(int status, Map<String, String> headers, String body) {
        planned.add(new Planned(status, headers, body));
    }

    @Override
    public int calls() {
        return calls.get();
    }

    @Override
    public List<String> upsertedKeys() {
        synchronized (upserted) {
            return List.copyOf(upserted);
        }
    }

    @Override
    public List<String> deletedKeys() {
        synchronized (deleted) {
            return List.copyOf(deleted);
        }
    }

    /** The headers the ledger sends a webhook with. */
    public static Map<String, String> signedHeaders(String secret, String body, Instant at) {
        String timestamp = Long.toString(at.getEpochSecond());
        return Map.of(LedgerConnector.TIMESTAMP_HEADER, timestamp,
                LedgerConnector.SIGNATURE_HEADER, "sha256=" + LedgerConnector.sign(secret, timestamp + "." + body));
    }

    private final class Ledger implements ResponseDefinitionTransformerV2 {

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            calls.incrementAndGet();
            Planned answer = planned.poll();
            if (answer != null) {
                ResponseDefinitionBuilder response = aResponse().withStatus(answer.status()).withBody(answer.body());
                answer.headers().forEach(response::withHeader);
                return response.build();
            }
            Request request = event.getRequest();
            String authorization = request.getHeader("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")
                    || authorization.length() == "Bearer ".length()) {
                return json(401, "{\"error\":\"a bearer token is required\"}");
            }
            String path = request.getUrl().replaceFirst("^/books/[^/?]+", "");
            String method = request.getMethod().getName();
            try {
                if (method.equals("POST") && path.equals("/entries/batch")) {
                    return json(200, batch(JSON.readTree(request.getBodyAsString())).toString());
                }
                if (method.equals("GET") && path.startsWith("/entries?")) {
                    return json(200, page(request.queryParameter("after").firstValue(),
                            Integer.parseInt(request.queryParameter("limit").firstValue())).toString());
                }
                if (method.equals("DELETE") && path.startsWith("/entries/")) {
                    ObjectNode gone = entries.remove(path.substring("/entries/".length()));
                    if (gone == null) {
                        return json(404, "{\"error\":\"no such entry\"}");
                    }
                    deleted.add(gone.path("fields").path("email").asText());
                    return aResponse().withStatus(204).build();
                }
                if (method.equals("GET") && path.isEmpty()) {
                    return json(200, "{\"book\":\"open\"}");
                }
            } catch (IOException e) {
                return json(400, "{\"error\":\"not JSON\"}");
            }
            return json(404, "{\"error\":\"no such endpoint\"}");
        }

        private ObjectNode batch(JsonNode body) {
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode results = answer.putArray("results");
            for (JsonNode entry : body.path("entries")) {
                String email = entry.path("key").asText();
                if (!email.contains("@")) {
                    results.addObject().put("error", "invalid email '" + email + "'");
                    continue;
                }
                String id = entries.entrySet().stream()
                        .filter(e -> e.getValue().path("fields").path("email").asText().equals(email))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
                boolean created = id == null;
                id = created ? "L" + (entries.size() + deleted.size() + 1) : id;
                ObjectNode stored = JSON.createObjectNode().put("id", id).put("seq", sequence.incrementAndGet());
                stored.set("fields", entry.path("fields"));
                entries.put(id, stored);
                upserted.add(email);
                results.addObject().put("id", id).put("created", created);
            }
            return answer;
        }

        private ObjectNode page(String after, int limit) {
            long from = Long.parseLong(after);
            List<ObjectNode> changed;
            synchronized (entries) {
                changed = entries.values().stream().filter(e -> e.path("seq").asLong() > from)
                        .sorted((a, b) -> Long.compare(a.path("seq").asLong(), b.path("seq").asLong())).toList();
            }
            ObjectNode answer = JSON.createObjectNode();
            ArrayNode page = answer.putArray("entries");
            changed.stream().limit(limit)
                    .forEach(e -> page.addObject().put("id", e.path("id").asText()).set("fields", e.path("fields")));
            if (changed.size() > limit) {
                answer.put("next", Long.toString(changed.get(limit - 1).path("seq").asLong()));
            } else {
                answer.putNull("next");
            }
            return answer;
        }

        private ResponseDefinition json(int status, String body) {
            return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body).build();
        }

        @Override
        public String getName() {
            return "komo-ledger-fake";
        }
    }
}
