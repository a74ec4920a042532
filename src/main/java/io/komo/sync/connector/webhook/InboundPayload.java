package io.komo.sync.connector.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.komo.sync.connector.spi.InboundRecord;

/**
 * Reads what a custom system pushes to {@code POST /webhooks/{integrationId}}: one JSON object, an array
 * of objects, or {@code {"records": [...]}}. Which member is the id, the change time and the deletion
 * flag is configurable through the definition's options {@code idField} (default {@code id}),
 * {@code changedAtField} ({@code updatedAt}, ISO-8601) and {@code deletedField} ({@code deleted}).
 * A record without a change time gets the one the caller knows from the request, if any.
 */
final class InboundPayload {

    static final String ID_FIELD = "idField";
    static final String CHANGED_AT_FIELD = "changedAtField";
    static final String DELETED_FIELD = "deletedField";

    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final String idField;
    private final String changedAtField;
    private final String deletedField;

    InboundPayload(ObjectMapper json, Map<String, Object> options) {
        this.json = json;
        this.idField = option(options, ID_FIELD, "id");
        this.changedAtField = option(options, CHANGED_AT_FIELD, "updatedAt");
        this.deletedField = option(options, DELETED_FIELD, "deleted");
    }

    List<InboundRecord> parse(String body, Instant changedAtFallback) {
        JsonNode root;
        try {
            root = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the webhook body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("the webhook body is empty; expected a JSON object or array");
        }
        JsonNode records = root.isObject() && root.path("records").isArray() ? root.get("records") : root;
        List<InboundRecord> parsed = new ArrayList<>();
        if (records.isArray()) {
            for (int i = 0; i < records.size(); i++) {
                parsed.add(record(records.get(i), "records[" + i + "]", changedAtFallback));
            }
        } else {
            parsed.add(record(records, "the body", changedAtFallback));
        }
        return parsed;
    }

    private InboundRecord record(JsonNode node, String where, Instant changedAtFallback) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " is not a JSON object");
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        JsonNode id = fields.remove(idField);
        String externalId = id == null || id.isNull() ? null : id.asText();
        Instant changedAt = changedAt(node, where);
        return new InboundRecord(externalId, json.convertValue(fields, FIELDS),
                changedAt == null ? changedAtFallback : changedAt, isTrue(node.get(deletedField)));
    }

    private Instant changedAt(JsonNode node, String where) {
        JsonNode value = node.get(changedAtField);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + "." + changedAtField + " is not an ISO-8601 date-time with offset");
        }
    }

    private static boolean isTrue(JsonNode value) {
        return value != null && (value.isBoolean() ? value.booleanValue() : "true".equalsIgnoreCase(value.asText()));
    }

    private static String option(Map<String, Object> options, String name, String fallback) {
        Object value = options == null ? null : options.get(name);
        return value == null || value.toString().isBlank() ? fallback : value.toString();
    }
}
