package io.komo.sync.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.WebhookVerdict;

/**
 * A platform for tests that can be read, {@code test-readable}: each integration has its own in-memory
 * records (external id → fields) that tests set directly; upserts (through the engine's {@code ConnectorCalls}
 * to {@link ReadablePlatformRoutes}) write into them, and {@link #readChangedSince} pages through them.
 * Records are matched by email; a new record's id is {@code ext-<contactId>}. A record may have a change time
 * ({@link #changed}; an upsert stamps it now): a read since an instant takes the records changed at or after it,
 * and each page's watermark is the newest change time on it. A read at a cursor can be made to fail with a 503
 * ({@link #failReadsAt}), as a platform that is down half-way through a pull.
 */
@ApplicationScoped
public class ReadableTestConnector implements Connector {

    public static final String PLATFORM = "test-readable";
    static final String INTEGRATION = "komo-test-integration";
    static final String CURSOR = "komo-test-cursor";
    static final String SIZE = "komo-test-size";
    private static final TypeReference<List<OutboundRecord>> RECORDS = new TypeReference<>() {
    };

    static final String SINCE = "komo-test-since";
    private final Map<String, Map<String, Map<String, Object>>> platforms = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Instant>> changedAt = new ConcurrentHashMap<>();
    private final Set<String> failingReads = ConcurrentHashMap.newKeySet();

    @Inject
    ObjectMapper mapper;

    /** The integration's records on the platform, in insertion order; tests may change them. */
    public Map<String, Map<String, Object>> records(String integrationId) {
        return platforms.computeIfAbsent(integrationId,
                id -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
    }

    /** Sets (or replaces) a record of the platform with the time the platform changed it. */
    public void changed(String integrationId, String externalId, Map<String, Object> fields, Instant at) {
        records(integrationId).put(externalId, new LinkedHashMap<>(fields));
        changeTimes(integrationId).put(externalId, at);
    }

    /** Reads of the integration's records at {@code cursor} (null: the first page) answer 503 until {@link #recover}. */
    public void failReadsAt(String integrationId, String cursor) {
        failingReads.add(integrationId + "|" + cursor);
    }

    public void recover(String integrationId) {
        failingReads.removeIf(key -> key.startsWith(integrationId + "|"));
    }

    private Map<String, Instant> changeTimes(String integrationId) {
        return changedAt.computeIfAbsent(integrationId, id -> new ConcurrentHashMap<>());
    }

    void receive(String integrationId, String body) throws JsonProcessingException {
        for (OutboundRecord record : mapper.readValue(body, RECORDS)) {
            String id = record.externalId() != null ? record.externalId() : "ext-" + record.contactId();
            records(integrationId).computeIfAbsent(id, x -> new LinkedHashMap<>()).putAll(record.fields());
            changeTimes(integrationId).put(id, Instant.now());
        }
    }

    /**
     * A page of the records changed at or after {@code since} (null: all), from offset {@code cursor}, as JSON:
     * {@code {"records": [{"id", "fields", "changedAt"}], "next", "watermark"}}; null when the read is to fail.
     */
    String page(String integrationId, String since, String cursor, int size) throws JsonProcessingException {
        if (failingReads.contains(integrationId + "|" + cursor)) {
            return null;
        }
        Instant from = since == null ? null : Instant.parse(since);
        List<Map.Entry<String, Map<String, Object>>> all = new ArrayList<>();
        synchronized (records(integrationId)) {
            for (Map.Entry<String, Map<String, Object>> e : records(integrationId).entrySet()) {
                Instant at = changeTimes(integrationId).get(e.getKey());
                if (from == null || (at != null && !at.isBefore(from))) {
                    all.add(e);
                }
            }
        }
        int offset = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), offset + size);
        List<Map<String, Object>> page = new ArrayList<>();
        Instant watermark = null;
        for (Map.Entry<String, Map<String, Object>> e : all.subList(offset, to)) {
            Instant at = changeTimes(integrationId).get(e.getKey());
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("id", e.getKey());
            record.put("fields", new LinkedHashMap<>(e.getValue()));
            record.put("changedAt", at == null ? null : at.toString());
            page.add(record);
            watermark = at == null || (watermark != null && watermark.isAfter(at)) ? watermark : at;
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("records", page);
        answer.put("next", to < all.size() ? String.valueOf(to) : null);
        answer.put("watermark", watermark == null ? null : watermark.toString());
        return mapper.writeValueAsString(answer);
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ConnectorDefaults defaults() {
        return new ConnectorDefaults(100, 1000, 1, null, "email");
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        try {
            return new PreparedCall("POST", ReadablePlatformRoutes.UPSERT, Map.of(INTEGRATION, context.integrationId()),
                    mapper.writeValueAsString(batch));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        return batch.stream().map(record -> RecordResult.ok(
                record.externalId() != null ? record.externalId() : "ext-" + record.contactId(),
                record.externalId() == null))
                .toList();
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(INTEGRATION, context.integrationId());
        headers.put(SIZE, String.valueOf(pageSize));
        if (since != null) {
            headers.put(SINCE, since.toString());
        }
        if (cursor != null) {
            headers.put(CURSOR, cursor);
        }
        return new PreparedCall("GET", ReadablePlatformRoutes.READ, headers, null);
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        try {
            JsonNode page = mapper.readTree(outcome.body());
            List<InboundRecord> records = new ArrayList<>();
            for (JsonNode record : page.get("records")) {
                records.add(new InboundRecord(record.get("id").asText(),
                        mapper.convertValue(record.get("fields"), new TypeReference<Map<String, Object>>() {
                        }), instant(record.get("changedAt")), false));
            }
            JsonNode next = page.get("next");
            return new ChangedPage(records, next == null || next.isNull() ? null : next.asText(),
                    instant(page.get("watermark")));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Instant instant(JsonNode value) {
        return value == null || value.isNull() ? null : Instant.parse(value.asText());
    }

    @Override
    public List<FieldDescriptor> describeFields(ConnectorContext context) {
        return List.of();
    }

    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        throw new UnsupportedOperationException("not needed by the tests");
    }
}
