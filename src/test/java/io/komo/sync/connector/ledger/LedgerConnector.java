package io.komo.sync.connector.ledger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

import io.komo.sync.connector.spi.AuthType;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.ThrottleSignal;
import io.komo.sync.connector.spi.WebhookVerdict;

/**
 * The connector kit's proof: a trivial platform, a "ledger" of contacts kept in books, written as a new platform is
 * written — this package, its fake ({@link LedgerFake}) and one example ({@code src/test/resources/examples/ledger.yaml}),
 * nothing else touched. Its JSON-over-HTTP API, with a bearer token on every call:
 * <ul>
 *   <li>{@code POST /books/{book}/entries/batch} {@code {"entries":[{"key","fields"}]}} answers
 *       {@code {"results":[{"id","created"} | {"error"}]}} in batch order, at most 3 entries a call;</li>
 *   <li>{@code GET /books/{book}/entries?after=<cursor>&limit=<n>} answers {@code {"entries":[...],"next":<cursor>|null}};</li>
 *   <li>{@code DELETE /books/{book}/entries/{id}}; {@code GET /books/{book}} proves the token;</li>
 *   <li>423 Locked while a book is being closed: a throttle, for 10 s;</li>
 *   <li>webhooks {@code {"entries":[...]}} signed {@code Ledger-Signature: sha256=<hex HMAC-SHA256 of "<Ledger-Timestamp>.<body>">}.</li>
 * </ul>
 */
@ApplicationScoped
public class LedgerConnector implements Connector {

    public static final String PLATFORM = "ledger";
    static final String TIMESTAMP_HEADER = "Ledger-Timestamp";
    static final String SIGNATURE_HEADER = "Ledger-Signature";
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    static final ConnectorOption BOOK = ConnectorOption.text("book", "The ledger book the contacts are kept in.")
            .asRequired();
    /** A book being closed answers 423 Locked for a few seconds; its API documents 10. */
    static final ThrottleSignal BOOK_CLOSING = new ThrottleSignal() {
        @Override
        public boolean matches(CallOutcome response) {
            return response.status() == 423;
        }

        @Override
        public Optional<Duration> impliedWait(CallOutcome response) {
            return Optional.of(Duration.ofSeconds(10));
        }
    };

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public LedgerConnector() {
        this(Clock.systemUTC());
    }

    LedgerConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ConnectorDefaults defaults() {
        return new ConnectorDefaults(3, 5, 1, null, "email");
    }

    @Override
    public List<ConnectorOption> options() {
        return List.of(BOOK);
    }

    @Override
    public Set<AuthType> authTypes() {
        return EnumSet.of(AuthType.BEARER);
    }

    @Override
    public List<ThrottleSignal> throttleSignals() {
        return List.of(BOOK_CLOSING);
    }

    @Override
    public List<FieldDescriptor> describeFields(ConnectorContext context) {
        return List.of(new FieldDescriptor("email", "Email", "text", true),
                new FieldDescriptor("name", "Name", "text", false),
                new FieldDescriptor("points", "Points", "numeric", false));
    }

    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        return call(context, "GET", "", null);
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        ObjectNode body = json.createObjectNode();
        batch.forEach(record -> body.withArray("entries").addObject().put("key", record.key())
                .set("fields", json.valueToTree(record.fields())));
        return call(context, "POST", "/entries/batch", body.toString());
    }

    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        if (!outcome.isSuccess()) {
            // 423 is a throttle (BOOK_CLOSING), so worth repeating like the generic transient statuses.
            boolean retryable = outcome.isTransientFailure() || BOOK_CLOSING.matches(outcome);
            return batch.stream().map(record -> RecordResult.failed("HTTP " + outcome.status(), retryable)).toList();
        }
        JsonNode answers = read(outcome.body()).path("results");
        List<RecordResult> results = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            JsonNode answer = answers.path(i);
            results.add(answer.hasNonNull("id")
                    ? RecordResult.ok(answer.get("id").asText(), answer.path("created").asBoolean())
                    : RecordResult.failed(answer.path("error").asText("the ledger gave no result"), false));
        }
        return results;
    }

    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        if (record.externalId() == null) {
            throw new IllegalArgumentException("a ledger entry is deleted by its id, and this record was never synced");
        }
        return call(context, "DELETE", "/entries/" + URLEncoder.encode(record.externalId(), StandardCharsets.UTF_8),
                null);
    }

    /** The ledger cannot list entries by change time: a read since an instant reads them all (the merge skips those it has). */
    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        return call(context, "GET",
                "/entries?after=" + (cursor == null ? "0" : URLEncoder.encode(cursor, StandardCharsets.UTF_8))
                        + "&limit=" + pageSize,
                null);
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        JsonNode page = read(outcome.body());
        return new ChangedPage(entries(page), page.hasNonNull("next") ? page.get("next").asText() : null);
    }

    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        String secret = context.webhookSecret().get("secret");
        if (secret == null || secret.isBlank()) {
            return WebhookVerdict.rejected("no signing secret configured");
        }
        String timestamp = webhook.header(TIMESTAMP_HEADER);
        String signature = webhook.header(SIGNATURE_HEADER);
        if (timestamp == null || signature == null) {
            return WebhookVerdict.rejected("unsigned");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            return WebhookVerdict.rejected("malformed timestamp");
        }
        if (Duration.between(Instant.ofEpochSecond(seconds), clock.instant()).abs().compareTo(TOLERANCE) > 0) {
            return WebhookVerdict.rejected("stale timestamp");
        }
        byte[] expected = ("sha256=" + sign(secret, timestamp + "." + webhook.body())).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.UTF_8))
                ? WebhookVerdict.accepted()
                : WebhookVerdict.rejected("signature mismatch");
    }

    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        return entries(read(webhook.body()));
    }

    /** Hex HMAC-SHA256, as the ledger signs its webhooks. */
    static String sign(String secret, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private List<InboundRecord> entries(JsonNode body) {
        List<InboundRecord> records = new ArrayList<>();
        for (JsonNode entry : body.path("entries")) {
            Map<String, Object> fields = new LinkedHashMap<>(json.convertValue(entry.path("fields"), Map.class));
            records.add(new InboundRecord(entry.path("id").asText(), fields,
                    entry.hasNonNull("changedAt")
                            ? OffsetDateTime.parse(entry.get("changedAt").asText()).toInstant()
                            : null,
                    entry.path("deleted").asBoolean()));
        }
        return records;
    }

    private PreparedCall call(ConnectorContext context, String method, String path, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + context.credential().getOrDefault("token", ""));
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        String book = URLEncoder.encode((String) BOOK.valueIn(context.options()), StandardCharsets.UTF_8);
        return new PreparedCall(method, context.endpoint().baseUrl() + "/books/" + book + path, headers, body);
    }

    private JsonNode read(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "the ledger answered something that is not JSON: " + e.getOriginalMessage());
        }
    }
}
