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

import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.InboundRecord;

/**
 * Reads what a custom system pushes to {@code POST /webhooks/{integrationId}}: one JSON object, an array
 * of objects, or {@code {"records": [...]}}. Which member is the id, the change time and the deletion
 * flag is configurable through the definition's options {@code idField} (default {@code id}),
 * {@code changedAtField} ({@code updatedAt}, ISO-8601) and {@code deletedField} ({@code deleted}), declared here
 * for the validator ({@link #OPTIONS}).
 * A record without a change time gets the one the caller knows from the request, if any.
 */
final class InboundPayload {

    static final ConnectorOption ID_FIELD = ConnectorOption.text("idField",
            "The member of each pushed record that holds its id on the custom system.").withDefault("id");
    static final ConnectorOption CHANGED_AT_FIELD = ConnectorOption.text("changedAtField",
            "The member of each pushed record that holds when it changed (ISO-8601 with offset); a record without it "
                    + "counts as changed when the webhook was signed.")
            .withDefault("updatedAt");
    static final ConnectorOption DELETED_FIELD = ConnectorOption.text("deletedField",
            "The member of each pushed record that, when true, says the record was deleted.").withDefault("deleted");
    /** The options of the webhook platform: which members of a pushed record are not fields. */
    static final List<ConnectorOption> OPTIONS = List.of(ID_FIELD, CHANGED_AT_FIELD, DELETED_FIELD);

    private static final TypeReference<LinkedHashMap<String, Object>> FIELDS = new TypeReference<>() {
    };

    private final ObjectMapper json;
    private final String idField;
    private final String changedAtField;
    private final String deletedField;

    InboundPayload(ObjectMapper json, Map<String, Object> options) {
        this.json = json;
        this.idField = (String) ID_FIELD.valueIn(options);
        this.changedAtField = (String) CHANGED_AT_FIELD.valueIn(options);
        this.deletedField = (String) DELETED_FIELD.valueIn(options);
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
            throw new IllegalArgumentException(
                    where + "." + changedAtField + " is not an ISO-8601 date-time with offset");
        }
    }

    private static boolean isTrue(JsonNode value) {
        return value != null && (value.isBoolean() ? value.booleanValue() : "true".equalsIgnoreCase(value.asText()));
    }
}
