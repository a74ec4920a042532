package io.komo.sync.duplicate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An inbound record parked for review as the API shows it: the key and value it was matched on, why no contact
 * was chosen automatically, the contacts to choose from, and the record in the platform's field names.
 */
public record DuplicateView(UUID id, String integrationId, String externalId, String key, String keyValue,
        String reason, List<UUID> candidates, JsonNode fields, Map<String, Instant> fieldChangedAt, String status,
        JsonNode resolution, String resolvedBy, Instant createdAt, Instant resolvedAt) {

    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";

    public boolean isOpen() {
        return OPEN.equals(status);
    }
}
