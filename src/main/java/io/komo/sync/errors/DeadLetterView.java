package io.komo.sync.errors;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

/** A stored dead letter as the API shows it; {@code payload} is the record as JSON, not a string of it. */
public record DeadLetterView(UUID id, String integrationId, String stage, String routeId, UUID contactId,
        JsonNode payload, String exceptionType, String error, int attempts, String status, Instant createdAt,
        Instant updatedAt) {

    public static final String OPEN = "open";
    public static final String REPLAYED = "replayed";
    public static final String DISCARDED = "discarded";

    public boolean isOpen() {
        return OPEN.equals(status);
    }
}
