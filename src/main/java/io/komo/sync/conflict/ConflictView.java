package io.komo.sync.conflict;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A parked conflict as the API shows it. {@code field} and the values are in the platform's field
 * space (the merge runs on the platform's names); values are JSON as stored.
 */
public record ConflictView(UUID id, String integrationId, UUID contactId, String field, JsonNode baseValue,
        JsonNode komoValue, Instant komoChangedAt, JsonNode externalValue, Instant externalChangedAt, String status,
        JsonNode resolution, String resolvedBy, Instant createdAt, Instant resolvedAt) {

    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";

    public boolean isOpen() {
        return OPEN.equals(status);
    }
}
