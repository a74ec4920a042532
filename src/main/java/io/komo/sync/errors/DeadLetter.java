package io.komo.sync.errors;

import java.util.UUID;

/**
 * A change that could not be delivered, with what is needed to understand and replay it (Kafka
 * Connect style: the context travels with the failure).
 *
 * @param stage   where it failed: map, deliver, apply, ...
 * @param routeId the Camel route, {@code <integration-id>.<stage>}
 * @param payload the record as it was when it failed (JSON)
 */
public record DeadLetter(String integrationId, String stage, String routeId, UUID contactId, String payload,
        String exceptionType, String error, int attempts) {
}
