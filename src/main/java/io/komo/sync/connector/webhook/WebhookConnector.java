package io.komo.sync.connector.webhook;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;

import io.komo.sync.connector.spi.AuthType;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorContext.Endpoint;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.DeleteKind;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.WebhookVerdict;
import io.komo.sync.security.StandardWebhooks;

/**
 * The generic custom endpoint ({@code platform: webhook}): any HTTP API that takes JSON.
 *
 * <p>Outbound, one call per batch to {@code endpoint.baseUrl + endpoint.path} with
 * {@code endpoint.method} (default POST), {@code endpoint.headers}, the auth headers of
 * {@link AuthHeaders}, and — when the integration has a signing secret — Standard Webhooks signature
 * headers, so the receiver can check the call came from us. The body is {@code endpoint.template}
 * rendered per record ({@link JsonTemplate}), or else the mapped fields plus {@code komoContactId}. With
 * a batch size of 1 (the default) the body is that one object; with a larger batch size it is always
 * an array, even when the last batch holds one record, so a receiver sees one shape.
 *
 * <p>Deletes are {@code DELETE <baseUrl><path>?key=<url-encoded key>}, archives the same plus {@code &archive=true}. The connection test is a
 * {@code GET <baseUrl>}: see {@link #connectionTestPassed}. A custom endpoint has no read API, so
 * inbound is push only: the system posts to {@code /webhooks/{integrationId}}, signed per Standard
 * Webhooks with the integration's secret, and {@link InboundPayload} reads the records.
 */
@ApplicationScoped
public class WebhookConnector implements Connector {

    public static final String PLATFORM = "webhook";
    /** The member of each outbound object (without a template) that carries the Komo contact id. */
    public static final String CONTACT_ID_MEMBER = "komoContactId";

    private static final ConnectorDefaults DEFAULTS = new ConnectorDefaults(1, 10, 1, null, "email");
    private static final Set<AuthType> AUTH_TYPES = EnumSet.of(AuthType.NONE, AuthType.BEARER, AuthType.BASIC,
            AuthType.API_KEY, AuthType.HEADERS);
    private static final int ERROR_BODY_PREFIX = 300;

    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();

    public WebhookConnector() {
        this(Clock.systemUTC());
    }

    /** Tests pass their own clock to control signing times and timestamp checks. */
    WebhookConnector(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ConnectorDefaults defaults() {
        return DEFAULTS;
    }

    /** {@code idField}, {@code changedAtField}, {@code deletedField}: see {@link InboundPayload}. */
    @Override
    public List<ConnectorOption> options() {
        return InboundPayload.OPTIONS;
    }

    /** What {@link AuthHeaders} can put into a call; a custom endpoint has no OAuth token flow. */
    @Override
    public Set<AuthType> authTypes() {
        return AUTH_TYPES;
    }

    /** Free-form: the receiver takes whatever fields the mapping names. */
    @Override
    public List<FieldDescriptor> describeFields(ConnectorContext context) {
        return List.of();
    }

    @Override
    public boolean acceptsConnectionTest(CallOutcome outcome) {
        return connectionTestPassed(outcome);
    }

    /** {@code GET <baseUrl>} with the auth headers; judge the answer with {@link #connectionTestPassed}. */
    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        return call(context, "GET", endpoint(context).baseUrl(), null);
    }

    /**
     * A custom endpoint need not answer GET on its base URL with 2xx (many answer 404 or 405 there), so
     * any 2xx–4xx answer proves it reachable, except 401 and 403, which say the credential is refused.
     */
    public static boolean connectionTestPassed(CallOutcome outcome) {
        int status = outcome.status();
        return status >= 200 && status < 500 && status != 401 && status != 403;
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("an upsert needs at least one record");
        }
        Endpoint endpoint = endpoint(context);
        String method = endpoint.method() == null || endpoint.method().isBlank()
                ? "POST"
                : endpoint.method().toUpperCase(Locale.ROOT);
        return call(context, method, url(endpoint), write(body(context, batch)));
    }

    private JsonNode body(ConnectorContext context, List<OutboundRecord> batch) {
        String template = endpoint(context).template();
        JsonTemplate renderer = template == null || template.isBlank() ? null : new JsonTemplate(template, json);
        List<JsonNode> objects = new ArrayList<>(batch.size());
        for (OutboundRecord record : batch) {
            objects.add(renderer != null ? renderer.render(templateValues(record)) : plainObject(record));
        }
        if (batchSize(context) == 1 && objects.size() == 1) {
            return objects.get(0);
        }
        ArrayNode array = json.createArrayNode();
        objects.forEach(array::add);
        return array;
    }

    /** The mapped fields, plus {@code komoContactId} unless the mapping already uses that name. */
    private static Map<String, Object> templateValues(OutboundRecord record) {
        Map<String, Object> values = new LinkedHashMap<>(record.fields());
        values.putIfAbsent(CONTACT_ID_MEMBER, record.contactId() == null ? null : record.contactId().toString());
        return values;
    }

    private ObjectNode plainObject(OutboundRecord record) {
        ObjectNode object = json.valueToTree(record.fields());
        object.put(CONTACT_ID_MEMBER, record.contactId() == null ? null : record.contactId().toString());
        return object;
    }

    private int batchSize(ConnectorContext context) {
        Integer configured = context.batchSize();
        return configured == null ? DEFAULTS.batchSize() : configured;
    }

    /**
     * 2xx: every record succeeded; its external id is the answer's {@code id} (an object for a single
     * record, an array of objects in batch order for several), else the id it already had, else its key.
     * {@code created} is true only on 201. Anything else: every record failed, retryable as the generic
     * HTTP rules say.
     */
    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        List<RecordResult> results = new ArrayList<>(batch.size());
        if (!outcome.isSuccess()) {
            String reason = "HTTP " + outcome.status() + bodyPrefix(outcome.body());
            batch.forEach(record -> results.add(RecordResult.failed(reason, outcome.isTransientFailure())));
            return results;
        }
        JsonNode answer = readQuietly(outcome.body());
        boolean created = outcome.status() == 201;
        for (int i = 0; i < batch.size(); i++) {
            OutboundRecord record = batch.get(i);
            JsonNode answered = answer == null
                    ? null
                    : answer.isArray() ? answer.get(i) : batch.size() == 1 ? answer : null;
            JsonNode id = answered != null && answered.isObject() ? answered.get("id") : null;
            String externalId = id != null && !id.isNull() && !id.isContainerNode()
                    ? id.asText()
                    : record.externalId() != null ? record.externalId() : record.key();
            results.add(RecordResult.ok(externalId, created));
        }
        return results;
    }

    /** {@code DELETE <baseUrl><path>?key=<url-encoded key>}: the receiver finds the record by its key. */
    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        return delete(context, record, DeleteKind.DELETE);
    }

    /** An archive is the same call plus {@code &archive=true}: a custom endpoint decides what archiving means. */
    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record, DeleteKind kind) {
        String url = url(endpoint(context));
        String query = "key=" + URLEncoder.encode(record.key() == null ? "" : record.key(), StandardCharsets.UTF_8)
                + (kind == DeleteKind.ARCHIVE ? "&archive=true" : "");
        return call(context, "DELETE", url + (url.contains("?") ? "&" : "?") + query, null);
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        throw noReadApi();
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        throw noReadApi();
    }

    private static UnsupportedOperationException noReadApi() {
        return new UnsupportedOperationException("the webhook platform has no read API: inbound changes are pushed "
                + "to POST /webhooks/{integrationId}; there is nothing to poll");
    }

    /** Standard Webhooks verification with the integration's {@code secret}; unsigned requests are never accepted. */
    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        String secret = context.webhookSecret().get("secret");
        if (secret == null || secret.isBlank()) {
            return WebhookVerdict.rejected("no signing secret configured");
        }
        StandardWebhooks verifier;
        try {
            verifier = StandardWebhooks.fromSecret(secret);
        } catch (IllegalArgumentException malformed) {
            return WebhookVerdict.rejected("the configured signing secret is malformed (expected whsec_<base64>)");
        }
        return verifier.verify(webhook::header, webhook.body(), clock.instant());
    }

    /**
     * Records without their own change time are stamped with the end of the second the webhook was signed in
     * ({@code webhook-timestamp}, whole seconds): the change happened before then. The end rather than the start,
     * so that a change made after one of Komo's writes within the same second is never taken for an older one.
     *
     * @throws IllegalArgumentException when the body is not JSON of one of the accepted shapes
     */
    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        return new InboundPayload(json, context.options()).parse(webhook.body(), signedBy(webhook));
    }

    /** The end of the second in the webhook's signed timestamp; null when it has none (it was then never verified). */
    private static Instant signedBy(InboundWebhook webhook) {
        String timestamp = webhook.header(StandardWebhooks.TIMESTAMP_HEADER);
        try {
            return timestamp == null ? null : Instant.ofEpochSecond(Long.parseLong(timestamp.trim()) + 1);
        } catch (NumberFormatException notSeconds) {
            return null;
        }
    }

    private PreparedCall call(ConnectorContext context, String method, String url, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        Endpoint endpoint = endpoint(context);
        if (endpoint.headers() != null) {
            headers.putAll(endpoint.headers());
        }
        // Auth and signature last: a definition's extra headers must not replace them.
        headers.putAll(AuthHeaders.of(context.authType(), context.credential()));
        String secret = context.webhookSecret().get("secret");
        if (secret != null && !secret.isBlank()) {
            headers.putAll(
                    StandardWebhooks.fromSecret(secret).signedHeaders(clock.instant(), body == null ? "" : body));
        }
        return new PreparedCall(method, url, headers, body);
    }

    private static Endpoint endpoint(ConnectorContext context) {
        Endpoint endpoint = context.endpoint();
        if (endpoint == null || endpoint.baseUrl() == null || endpoint.baseUrl().isBlank()) {
            throw new IllegalArgumentException("the webhook platform needs endpoint.baseUrl");
        }
        return endpoint;
    }

    private static String url(Endpoint endpoint) {
        String base = endpoint.baseUrl();
        String path = endpoint.path() == null ? "" : endpoint.path();
        if (path.isEmpty()) {
            return base;
        }
        boolean baseSlash = base.endsWith("/");
        boolean pathSlash = path.startsWith("/");
        if (baseSlash && pathSlash) {
            return base + path.substring(1);
        }
        return baseSlash || pathSlash ? base + path : base + "/" + path;
    }

    private String write(JsonNode body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree could not be written", e);
        }
    }

    private JsonNode readQuietly(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException notJson) {
            // A 2xx with a non-JSON body (plain "OK") is still a success; there is just no id in it.
            return null;
        }
    }

    private static String bodyPrefix(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > ERROR_BODY_PREFIX ? oneLine.substring(0, ERROR_BODY_PREFIX) + "…" : oneLine);
    }
}
