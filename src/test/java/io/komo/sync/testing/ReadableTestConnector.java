package io.komo.sync.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * A platform for tests that can be read, {@code test-readable}: each integration has its own in-memory
 * records (external id → fields) that tests set directly; upserts (through the engine's {@code ConnectorCalls}
 * to {@link ReadablePlatformRoutes}) write into them, and {@link #readChangedSince} pages through them.
 * Records are matched by email; a new record's id is {@code ext-<contactId>}.
 */
@ApplicationScoped
public class ReadableTestConnector implements Connector {

    public static final String PLATFORM = "test-readable";
    static final String INTEGRATION = "komo-test-integration";
    static final String CURSOR = "komo-test-cursor";
    static final String SIZE = "komo-test-size";
    private static final TypeReference<List<OutboundRecord>> RECORDS = new TypeReference<>() {
    };

    private final Map<String, Map<String, Map<String, Object>>> platforms = new ConcurrentHashMap<>();

    @Inject
    ObjectMapper mapper;

    /** The integration's records on the platform, in insertion order; tests may change them. */
    public Map<String, Map<String, Object>> records(String integrationId) {
        return platforms.computeIfAbsent(integrationId, id -> java.util.Collections.synchronizedMap(new LinkedHashMap<>()));
    }

    void receive(String integrationId, String body) throws JsonProcessingException {
        for (OutboundRecord record : mapper.readValue(body, RECORDS)) {
            String id = record.externalId() != null ? record.externalId() : "ext-" + record.contactId();
            records(integrationId).computeIfAbsent(id, x -> new LinkedHashMap<>()).putAll(record.fields());
        }
    }

    /** A page of records from offset {@code cursor}, as JSON: {@code {"records": [{"id", "fields"}], "next"}}. */
    String page(String integrationId, String cursor, int size) throws JsonProcessingException {
        List<Map.Entry<String, Map<String, Object>>> all;
        synchronized (records(integrationId)) {
            all = new ArrayList<>(records(integrationId).entrySet());
        }
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), from + size);
        List<Map<String, Object>> page = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : all.subList(from, to)) {
            page.add(Map.of("id", e.getKey(), "fields", new LinkedHashMap<>(e.getValue())));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("records", page);
        answer.put("next", to < all.size() ? String.valueOf(to) : null);
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
                record.externalId() != null ? record.externalId() : "ext-" + record.contactId(), record.externalId() == null))
                .toList();
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, String cursor, int pageSize) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(INTEGRATION, context.integrationId());
        headers.put(SIZE, String.valueOf(pageSize));
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
                        }), null, false));
            }
            JsonNode next = page.get("next");
            return new ChangedPage(records, next == null || next.isNull() ? null : next.asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
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
