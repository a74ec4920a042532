package io.komo.sync.connector.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.ConnectorContractTest;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorContext.Endpoint;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.errors.Classification.Kind;
import io.komo.sync.security.StandardWebhooks;

/**
 * The custom endpoint: the connector contract against {@link WebhookReceiverFake}, and what is its own — the body
 * template, the endpoint's method, path and headers, the auth headers, outbound signing, how its answers and pushed
 * payloads are read.
 */
class WebhookConnectorTest extends ConnectorContractTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final UUID ANN = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    static final UUID BOB = UUID.fromString("00000000-0000-0000-0000-00000000b002");

    @RegisterExtension
    static final WebhookReceiverFake receiver = WebhookReceiverFake.eachTest();

    private final WebhookConnector connector = new WebhookConnector(CLOCK);
    private final ObjectMapper json = new ObjectMapper();

    // ---- the contract's fixtures ----

    @Override
    protected Connector connector() {
        return connector;
    }

    /** A custom endpoint has no read API (inbound is push only) and answers a batch as a whole. */
    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.of(Capability.WEBHOOKS, Capability.DELETE);
    }

    /** The default is one record per call; a definition may raise it, and then every body is an array. */
    @Override
    protected int batchSize() {
        return 3;
    }

    @Override
    protected PlatformFake fake() {
        return new PlatformFake() {
            @Override
            public String baseUrl() {
                return receiver.baseUrl();
            }

            @Override
            public void answerNext(int status, Map<String, String> headers, String body) {
                receiver.answer(status, headers, body, 1);
            }

            @Override
            public int calls() {
                return receiver.received().size();
            }

            @Override
            public List<String> upsertedKeys() {
                List<String> keys = new ArrayList<>();
                for (WebhookReceiverFake.Received request : receiver.received()) {
                    if (!request.method().equals("DELETE")) {
                        JsonNode body = readTree(request.body());
                        (body.isArray() ? body : json.createArrayNode().add(body))
                                .forEach(r -> keys.add(r.get("email").asText()));
                    }
                }
                return keys;
            }

            @Override
            public List<String> deletedKeys() {
                return receiver.received().stream().filter(r -> r.method().equals("DELETE"))
                        .map(r -> URLDecoder.decode(r.url().substring(r.url().indexOf("key=") + 4),
                                StandardCharsets.UTF_8))
                        .toList();
            }
        };
    }

    @Override
    protected ConnectorContext context(String baseUrl, Integer batchSize) {
        return new ConnectorContext("hook-1",
                new Endpoint(baseUrl, "/api/contacts", null, Map.of("X-Source", "komo"), null),
                null, batchSize, null, null, Map.of("secret", SECRET));
    }

    /** Any 2xx takes the batch; the generic HTTP rules read everything else. */
    @Override
    protected List<StatusCase> statuses() {
        return List.of(succeeds(200, "{\"ok\":true}"), succeeds(201, "{\"id\":\"ext-9\"}"), succeeds(204, ""),
                fails(400, "{\"error\":\"bad email\"}", Kind.PERMANENT), fails(401, "", Kind.AUTH),
                fails(403, "", Kind.PERMANENT), fails(404, "", Kind.PERMANENT), fails(408, "", Kind.RETRYABLE),
                fails(422, "{\"error\":\"email rejected\"}", Kind.PERMANENT),
                throttled(429, "{\"error\":\"slow down\"}", Duration.ofSeconds(3)).withHeader("Retry-After", "3"),
                throttled(429, "", Duration.ofSeconds(30)), fails(500, "down", Kind.RETRYABLE),
                fails(502, "", Kind.RETRYABLE), fails(503, "", Kind.RETRYABLE),
                throttled(503, "", Duration.ofSeconds(120)).withHeader("Retry-After", "120"));
    }

    @Override
    protected String webhookBody(String externalId, String key, boolean deleted) {
        return "{\"id\":\"" + externalId + "\",\"email\":\"" + key + "\",\"deleted\":" + deleted + "}";
    }

    @Override
    protected InboundWebhook signedWebhook(String body, Instant signedAt) {
        return inbound(StandardWebhooks.fromSecret(SECRET).signedHeaders(signedAt, body), body);
    }

    // ---- outbound ----

    @Test
    void defaultsSuitAOneRecordPerCallEndpoint() {
        assertThat(connector.platform()).isEqualTo("webhook");
        assertThat(connector.defaults().batchSize()).isEqualTo(1);
        assertThat(connector.defaults().requestsPerWindow()).isEqualTo(10);
        assertThat(connector.defaults().windowSeconds()).isEqualTo(1);
        assertThat(connector.defaults().dailyQuota()).isNull();
        assertThat(connector.defaults().keyField()).isEqualTo("email");
        assertThat(connector.describeFields(context(endpoint(null), null, null, null))).isEmpty();
    }

    @Test
    void oneRecordWithoutTemplateIsItsFieldsPlusTheContactId() throws Exception {
        PreparedCall call = connector.upsert(context(endpoint(null), null, null, null), List.of(ann()));
        assertThat(call.method()).isEqualTo("POST");
        assertThat(call.uri()).isEqualTo("https://hooks.example.com/api/contacts");
        assertThat(call.headers()).containsEntry("Content-Type", "application/json").containsEntry("X-Source", "komo")
                .doesNotContainKeys("Authorization", "webhook-signature");
        assertThat(json.readTree(call.body())).isEqualTo(json.readTree(
                "{\"email\":\"ann@example.com\",\"points\":120,\"komoContactId\":\"" + ANN + "\"}"));
    }

    @Test
    void largerBatchSizeAlwaysSendsAnArray() throws Exception {
        ConnectorContext twoPerCall = batched(endpoint(null), 50);
        JsonNode two = json.readTree(connector.upsert(twoPerCall, List.of(ann(), bob())).body());
        assertThat(two.isArray()).isTrue();
        assertThat(two.get(1).get("email").asText()).isEqualTo("bob@example.com");
        JsonNode lastBatch = json.readTree(connector.upsert(twoPerCall, List.of(ann())).body());
        assertThat(lastBatch.isArray()).as("a receiver of batches sees one shape").isTrue();
    }

    @Test
    void methodAndUrlComeFromTheEndpoint() {
        Endpoint put = new Endpoint("https://hooks.example.com/", "/v1/people", "put", null, null);
        PreparedCall call = connector.upsert(context(put, null, null, null), List.of(ann()));
        assertThat(call.method()).isEqualTo("PUT");
        assertThat(call.uri()).isEqualTo("https://hooks.example.com/v1/people");
        Endpoint noPath = new Endpoint("https://hooks.example.com/in", null, null, null, null);
        assertThat(connector.upsert(context(noPath, null, null, null), List.of(ann())).uri())
                .isEqualTo("https://hooks.example.com/in");
    }

    @Test
    void templateRendersEachPlaceholderAsAWholeJsonValue() throws Exception {
        String template = "{\"person\":{\"mail\":${email},\"name\":${firstName}},\"score\":${points},"
                + "\"tags\":${lists},\"missing\":${nickname},\"komo\":${komoContactId}}";
        OutboundRecord tricky = new OutboundRecord(ANN, null, "ann@example.com", fields(
                "email", "ann@example.com", "firstName", "Ann \"The\" O'Neil\\\n}", "points", 12.5,
                "lists", List.of("a", "b")));
        PreparedCall call = connector.upsert(context(endpoint(template), null, null, null), List.of(tricky));
        JsonNode body = json.readTree(call.body());
        assertThat(body.at("/person/name").asText()).isEqualTo("Ann \"The\" O'Neil\\\n}");
        assertThat(body.at("/person/mail").asText()).isEqualTo("ann@example.com");
        assertThat(body.get("score").isNumber()).isTrue();
        assertThat(body.get("score").decimalValue()).isEqualByComparingTo("12.5");
        assertThat(body.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(body.get("missing").isNull()).isTrue();
        assertThat(body.get("komo").asText()).isEqualTo(ANN.toString());
    }

    @Test
    void templateRendersAnArrayForBatches() throws Exception {
        JsonNode body = json
                .readTree(connector.upsert(batched(endpoint("{\"e\":${email}}"), 10), List.of(ann(), bob())).body());
        assertThat(body.toString()).isEqualTo("[{\"e\":\"ann@example.com\"},{\"e\":\"bob@example.com\"}]");
    }

    @Test
    void placeholderInsideAStringIsRefused() {
        assertThatThrownBy(
                () -> connector.upsert(context(endpoint("{\"hi\":\"Hello ${firstName}\"}"), null, null, null),
                        List.of(ann())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("whole JSON value");
    }

    @Test
    void bearerAuth() {
        assertThat(headersFor("bearer", Map.of("token", "t0k3n"))).containsEntry("Authorization", "Bearer t0k3n");
    }

    @Test
    void basicAuth() {
        String expected = "Basic " + Base64.getEncoder().encodeToString("ann:pä55".getBytes(StandardCharsets.UTF_8));
        assertThat(headersFor("basic", Map.of("username", "ann", "password", "pä55"))).containsEntry("Authorization",
                expected);
    }

    @Test
    void apiKeyAuthWithDefaultAndNamedHeader() {
        assertThat(headersFor("api-key", Map.of("key", "k1"))).containsEntry("X-API-Key", "k1");
        assertThat(headersFor("api-key", Map.of("key", "k2", "header", "X-Token"))).containsEntry("X-Token", "k2")
                .doesNotContainKey("X-API-Key");
    }

    @Test
    void headersAuthSendsEveryEntry() {
        assertThat(headersFor("headers", Map.of("X-One", "1", "X-Two", "2"))).containsEntry("X-One", "1")
                .containsEntry("X-Two", "2");
    }

    @Test
    void noneAuthSendsNothing() {
        assertThat(headersFor("none", Map.of())).doesNotContainKey("Authorization");
        assertThat(headersFor(null, null)).doesNotContainKey("Authorization");
    }

    @Test
    void incompleteOrUnknownAuthIsRefusedWithoutEchoingSecrets() {
        assertThatThrownBy(() -> headersFor("basic", Map.of("username", "ann")))
                .hasMessageContaining("'password'");
        assertThatThrownBy(() -> headersFor("bearer", Map.of("tok", "s3cret"))).hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> headersFor("kerberos", Map.of())).hasMessageContaining("kerberos");
    }

    @Test
    void authHeadersWinOverEndpointHeaders() {
        Endpoint clobbering = new Endpoint("https://hooks.example.com", "/c", null, Map.of("Authorization", "nope"),
                null);
        PreparedCall call = connector.upsert(context(clobbering, "bearer", Map.of("token", "real"), null),
                List.of(ann()));
        assertThat(call.headers()).containsEntry("Authorization", "Bearer real");
    }

    @Test
    void signsTheExactBodyPerStandardWebhooks() {
        PreparedCall call = connector.upsert(context(endpoint(null), null, null, Map.of("secret", SECRET)),
                List.of(ann()));
        assertThat(call.headers().get("webhook-timestamp")).isEqualTo(Long.toString(NOW.getEpochSecond()));
        assertThat(call.headers().get("webhook-id")).startsWith("msg_");
        assertThat(StandardWebhooks.fromSecret(SECRET).verify(call.headers()::get, call.body(), NOW).valid()).isTrue();
        PreparedCall again = connector.upsert(context(endpoint(null), null, null, Map.of("secret", SECRET)),
                List.of(ann()));
        assertThat(again.headers().get("webhook-id")).as("unique per call")
                .isNotEqualTo(call.headers().get("webhook-id"));
    }

    @Test
    void deleteAddressesTheRecordByItsUrlEncodedKey() {
        OutboundRecord odd = new OutboundRecord(ANN, null, "a+b&c@example.com", Map.of());
        PreparedCall call = connector.delete(context(endpoint(null), "bearer", Map.of("token", "t"), null), odd);
        assertThat(call.method()).isEqualTo("DELETE");
        assertThat(call.uri()).isEqualTo("https://hooks.example.com/api/contacts?key=a%2Bb%26c%40example.com");
        assertThat(call.body()).isNull();
        assertThat(call.headers()).containsEntry("Authorization", "Bearer t").doesNotContainKey("Content-Type");
    }

    @Test
    void connectionTestGetsTheBaseUrl() {
        PreparedCall call = connector.connectionTest(context(endpoint(null), "api-key", Map.of("key", "k"), null));
        assertThat(call.method()).isEqualTo("GET");
        assertThat(call.uri()).isEqualTo("https://hooks.example.com");
        assertThat(call.headers()).containsEntry("X-API-Key", "k");
        assertThat(WebhookConnector.connectionTestPassed(outcome(200, ""))).isTrue();
        assertThat(WebhookConnector.connectionTestPassed(outcome(405, ""))).isTrue();
        assertThat(WebhookConnector.connectionTestPassed(outcome(401, ""))).isFalse();
        assertThat(WebhookConnector.connectionTestPassed(outcome(403, ""))).isFalse();
        assertThat(WebhookConnector.connectionTestPassed(outcome(502, ""))).isFalse();
    }

    /** The contract checks that reading is refused; the custom endpoint also says where inbound changes go instead. */
    @Test
    void hasNoReadApiAndSaysWhereToPush() {
        assertThatThrownBy(() -> connector.readChangedSince(context(endpoint(null), null, null, null), null, null, 100))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("/webhooks/");
    }

    @Test
    void missingBaseUrlIsNamed() {
        Endpoint none = new Endpoint(null, "/x", null, null, null);
        assertThatThrownBy(() -> connector.upsert(context(none, null, null, null), List.of(ann())))
                .hasMessageContaining("endpoint.baseUrl");
    }

    // ---- upsert results ----

    @Test
    void successTakesTheIdOfASingleAnswer() {
        List<RecordResult> results = connector.upsertResults(context(endpoint(null), null, null, null), List.of(ann()),
                outcome(201, "{\"id\":\"ext-9\"}"));
        assertThat(results).containsExactly(RecordResult.ok("ext-9", true));
    }

    @Test
    void successTakesIdsInBatchOrderElseExistingIdElseKey() {
        OutboundRecord known = new OutboundRecord(BOB, "ext-old", "bob@example.com", Map.of());
        OutboundRecord third = new OutboundRecord(UUID.randomUUID(), null, "cy@example.com", Map.of());
        List<RecordResult> results = connector.upsertResults(context(endpoint(null), null, null, null),
                List.of(ann(), known, third), outcome(200, "[{\"id\":17},{\"status\":\"ok\"}]"));
        assertThat(results).extracting(RecordResult::externalId).containsExactly("17", "ext-old", "cy@example.com");
        assertThat(results).allMatch(RecordResult::success).noneMatch(RecordResult::created);
    }

    @Test
    void successWithoutJsonFallsBackToTheKey() {
        assertThat(
                connector.upsertResults(context(endpoint(null), null, null, null), List.of(ann()), outcome(204, "OK")))
                .containsExactly(RecordResult.ok("ann@example.com", false));
    }

    /** Retryability per status is the contract's table; the reason a record carries is the custom endpoint's own. */
    @Test
    void aFailureFailsEveryRecordNamingTheStatusAndTheStartOfTheAnswer() {
        ConnectorContext context = context(endpoint(null), null, null, null);
        List<RecordResult> serverError = connector.upsertResults(context, List.of(ann(), bob()), outcome(503, "down"));
        assertThat(serverError).hasSize(2).allMatch(r -> !r.success() && r.retryable());
        assertThat(serverError.get(0).error()).contains("503").contains("down");
        assertThat(connector.upsertResults(context, List.of(ann()), outcome(400, "{\"error\":\"bad email\"}")))
                .allMatch(r -> !r.success() && !r.retryable() && r.error().contains("bad email"));
    }

    // ---- inbound ----

    /** The contract checks that forged webhooks are rejected; Standard Webhooks says why in these words. */
    @Test
    void rejectionsSayWhy() {
        ConnectorContext context = context(endpoint(null), null, null, Map.of("secret", SECRET));
        String body = "{\"id\":\"x1\",\"email\":\"ann@example.com\"}";
        Map<String, String> signed = StandardWebhooks.fromSecret(SECRET).signedHeaders(NOW.minusSeconds(30), body);
        assertThat(connector.verifyWebhook(context, inbound(signed, body + " ")).reason())
                .isEqualTo("signature mismatch");
        Map<String, String> old = StandardWebhooks.fromSecret(SECRET).signedHeaders(NOW.minusSeconds(600), body);
        assertThat(connector.verifyWebhook(context, inbound(old, body)).reason()).isEqualTo("stale timestamp");
        assertThat(connector.verifyWebhook(context, inbound(Map.of(), body)).reason()).startsWith("missing webhook-");
    }

    @Test
    void neverAcceptsUnsignedWebhooksWithoutASecret() {
        String body = "{}";
        Map<String, String> signed = StandardWebhooks.fromSecret(SECRET).signedHeaders(NOW, body);
        assertThat(connector.verifyWebhook(context(endpoint(null), null, null, null), inbound(signed, body)).reason())
                .isEqualTo("no signing secret configured");
        assertThat(connector.verifyWebhook(context(endpoint(null), null, null, Map.of("secret", "whsec_%%%")),
                inbound(signed, body)).reason()).contains("malformed").doesNotContain("%%%");
    }

    @Test
    void parsesOneObjectAnArrayOrRecords() {
        ConnectorContext context = context(endpoint(null), null, null, null);
        List<InboundRecord> one = connector.parseWebhook(context, inbound(Map.of(),
                "{\"id\":\"x1\",\"email\":\"ann@example.com\",\"updatedAt\":\"2026-02-01T10:00:00+01:00\"}"));
        assertThat(one).hasSize(1);
        assertThat(one.get(0).externalId()).isEqualTo("x1");
        assertThat(one.get(0).fields()).containsEntry("email", "ann@example.com").doesNotContainKey("id");
        assertThat(one.get(0).changedAt()).isEqualTo(Instant.parse("2026-02-01T09:00:00Z"));
        assertThat(one.get(0).deleted()).isFalse();

        assertThat(connector.parseWebhook(context, inbound(Map.of(), "[{\"id\":1},{\"id\":2,\"deleted\":true}]")))
                .extracting(InboundRecord::externalId, InboundRecord::deleted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("1", false),
                        org.assertj.core.groups.Tuple.tuple("2", true));
        assertThat(connector.parseWebhook(context, inbound(Map.of(), "{\"records\":[{\"id\":\"a\"},{\"id\":\"b\"}]}")))
                .extracting(InboundRecord::externalId).containsExactly("a", "b");
    }

    @Test
    void aRecordWithoutItsOwnChangeTimeIsStampedWithTheEndOfTheSecondItWasSignedIn() {
        ConnectorContext context = context(endpoint(null), null, null, null);
        Map<String, String> signed = Map.of("webhook-timestamp", "1764300000");
        List<InboundRecord> records = connector.parseWebhook(context, inbound(signed,
                "[{\"id\":\"a\"},{\"id\":\"b\",\"updatedAt\":\"2025-11-28T03:00:00Z\"}]"));
        assertThat(records).extracting(InboundRecord::changedAt)
                .containsExactly(Instant.ofEpochSecond(1764300001), Instant.parse("2025-11-28T03:00:00Z"));
        assertThat(connector.parseWebhook(context, inbound(Map.of(), "{\"id\":\"c\"}")).get(0).changedAt())
                .as("unsigned: no time known").isNull();
    }

    @Test
    void fieldNamesComeFromTheOptions() {
        ConnectorContext custom = new ConnectorContext("in-1", endpoint(null), null, null,
                Map.of("idField", "uid", "changedAtField", "modified", "deletedField", "gone"), null, null);
        List<InboundRecord> records = connector.parseWebhook(custom, inbound(Map.of(),
                "{\"uid\":\"u7\",\"id\":\"kept\",\"modified\":\"2026-02-01T10:00:00Z\",\"gone\":true}"));
        assertThat(records.get(0).externalId()).isEqualTo("u7");
        assertThat(records.get(0).fields()).containsEntry("id", "kept").doesNotContainKey("uid");
        assertThat(records.get(0).changedAt()).isEqualTo(Instant.parse("2026-02-01T10:00:00Z"));
        assertThat(records.get(0).deleted()).isTrue();
    }

    @Test
    void malformedBodiesAreRefusedClearly() {
        ConnectorContext context = context(endpoint(null), null, null, null);
        assertThatThrownBy(() -> connector.parseWebhook(context, inbound(Map.of(), "{not json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> connector.parseWebhook(context, inbound(Map.of(), "[1,2]")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records[0] is not a JSON object");
        assertThatThrownBy(() -> connector.parseWebhook(context, inbound(Map.of(), "")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                () -> connector.parseWebhook(context, inbound(Map.of(), "{\"id\":1,\"updatedAt\":\"soon\"}")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("updatedAt");
    }

    // ---- fixtures ----

    private Map<String, String> headersFor(String authType, Map<String, String> credential) {
        return connector.upsert(context(endpoint(null), authType, credential, null), List.of(ann())).headers();
    }

    private JsonNode readTree(String body) {
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            throw new AssertionError("the receiver got a body that is not JSON: " + body, e);
        }
    }

    static Endpoint endpoint(String template) {
        return new Endpoint("https://hooks.example.com", "/api/contacts", null, Map.of("X-Source", "komo"), template);
    }

    static ConnectorContext context(Endpoint endpoint, String authType, Map<String, String> credential,
            Map<String, String> webhookSecret) {
        return new ConnectorContext("hook-1", endpoint, authType, null, null, credential, webhookSecret);
    }

    static ConnectorContext batched(Endpoint endpoint, int batchSize) {
        return new ConnectorContext("hook-1", endpoint, null, batchSize, null, null, null);
    }

    static OutboundRecord ann() {
        return new OutboundRecord(ANN, null, "ann@example.com", fields("email", "ann@example.com", "points", 120));
    }

    static OutboundRecord bob() {
        return new OutboundRecord(BOB, null, "bob@example.com", fields("email", "bob@example.com"));
    }

    static Map<String, Object> fields(Object... pairs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        return fields;
    }

    private static CallOutcome outcome(int status, String body) {
        return new CallOutcome(status, Map.of(), body);
    }

    private static InboundWebhook inbound(Map<String, String> headers, String body) {
        Map<String, List<String>> lowerCase = new LinkedHashMap<>();
        headers.forEach((name, value) -> lowerCase.put(name.toLowerCase(), List.of(value)));
        return new InboundWebhook("POST", "/webhooks/hook-1", lowerCase, body);
    }
}
