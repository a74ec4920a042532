package io.komo.sync.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.komo.sync.merge.FieldValues;

/**
 * What applying one external record did (or, in a transaction that is rolled back, would do) in Komo.
 *
 * @param changes the contact's fields that changed, in Komo's field names (dotted for nested ones)
 * @param reason  why it was skipped, waits for review or failed; null otherwise
 */
public record Applied(Kind kind, UUID contactId, List<FieldChange> changes, String reason) {

    public enum Kind {
        CREATE, UPDATE, DELETE, SKIP, REVIEW, ERROR
    }

    /** A Komo field: its value before and after. */
    public record FieldChange(String field, Object from, Object to) {
    }

    static Applied skipped(UUID contactId, String reason) {
        return new Applied(Kind.SKIP, contactId, List.of(), reason);
    }

    static Applied failed(String reason) {
        return new Applied(Kind.ERROR, null, List.of(), reason);
    }

    /** The fields of {@code after} (a flat Komo record) whose value differs from {@code before}'s. */
    static List<FieldChange> changes(Map<String, Object> before, Map<String, Object> after) {
        List<FieldChange> changes = new ArrayList<>();
        after.forEach((field, value) -> {
            Object old = before.get(field);
            if (!FieldValues.same(old, value)) {
                changes.add(new FieldChange(field, old, value));
            }
        });
        return changes;
    }
}
