package io.komo.sync.contact;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One row of the outbox as the change feed hands it to its consumers. {@code payload} is the JSON
 * text of the event (for contact events: the contact after the change).
 */
public record ChangeEvent(long seq, UUID id, String type, UUID contactId, List<String> changedFields, String payload,
        Instant occurredAt) {

    public static final String CONTACT_CREATED = "contact.created";
    public static final String CONTACT_UPDATED = "contact.updated";
    public static final String CONTACT_DELETED = "contact.deleted";

    /** An event not yet written: the database gives it its sequence number. */
    public record Draft(UUID id, String type, UUID contactId, List<String> changedFields, Object payload,
            Instant occurredAt) {

        public static Draft of(String type, UUID contactId, List<String> changedFields, Object payload, Instant at) {
            return new Draft(UUID.randomUUID(), type, contactId, changedFields, payload, at);
        }
    }
}
