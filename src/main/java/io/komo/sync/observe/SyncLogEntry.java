package io.komo.sync.observe;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;

import io.komo.sync.merge.FieldValues;
import io.komo.sync.merge.MergeDecision;
import io.komo.sync.merge.MergeOutcome;

/**
 * One row of the sync logs (spec § Sync Logs): what happened to which contact and field, old and new
 * value, the error if it failed, and who did it. Written with {@link SyncLog#append}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SyncLogEntry(Instant at, String integrationId, Type type, String operation, UUID contactId,
        String externalId, String field, String oldValue, String newValue, String error, String actor) {

    /** The spec's four logs. */
    public enum Type {
        SUCCESS, ERROR, CONFLICT, AUDIT;

        public static final String ALLOWED = Arrays.stream(values()).map(Type::wireName)
                .collect(Collectors.joining(", "));

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type, or null when the name is none of {@link #ALLOWED}. */
        public static Type byWireName(String name) {
            return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst().orElse(null);
        }
    }

    /** A record moved: {@code operation} such as {@code contact.upserted}. */
    public static SyncLogEntry success(String integrationId, String operation, UUID contactId, String externalId) {
        return new SyncLogEntry(Instant.now(), integrationId, Type.SUCCESS, operation, contactId, externalId, null,
                null,
                null, null, null);
    }

    /** One field of a record changed on the other side: the spec's "Old value → New value". */
    public static SyncLogEntry fieldChanged(String integrationId, String operation, UUID contactId, String externalId,
            String field, String oldValue, String newValue) {
        return new SyncLogEntry(Instant.now(), integrationId, Type.SUCCESS, operation, contactId, externalId, field,
                oldValue, newValue, null, null);
    }

    /** An operation failed; {@code error} is the message a person can act on. */
    public static SyncLogEntry error(String integrationId, String operation, UUID contactId, String externalId,
            String error) {
        return new SyncLogEntry(Instant.now(), integrationId, Type.ERROR, operation, contactId, externalId, null, null,
                null, error, null);
    }

    /** A conflict was decided (or queued for review): the losing value as old, the winning one as new. */
    public static SyncLogEntry conflict(String integrationId, String operation, UUID contactId, String externalId,
            String field, String oldValue, String newValue, String actor) {
        return new SyncLogEntry(Instant.now(), integrationId, Type.CONFLICT, operation, contactId, externalId, field,
                oldValue, newValue, null, actor);
    }

    /** A person or the configuration changed an integration: {@code operation} such as {@code integration.paused}. */
    public static SyncLogEntry audit(String integrationId, String operation, String actor, String field,
            String oldValue, String newValue) {
        return new SyncLogEntry(Instant.now(), integrationId, Type.AUDIT, operation, null, null, field, oldValue,
                newValue, null, actor);
    }

    public SyncLogEntry at(Instant when) {
        return new SyncLogEntry(when, integrationId, type, operation, contactId, externalId, field, oldValue, newValue,
                error, actor);
    }

    /** Every decision the merge took on a conflict (both sides changed, to different values), for the conflict log. */
    public static List<SyncLogEntry> conflicts(String integrationId, UUID contactId, String externalId,
            List<MergeDecision> decisions) {
        return decisions.stream().filter(MergeDecision::conflict)
                .map(d -> conflict(integrationId,
                        d.outcome() == MergeOutcome.PARKED ? "conflict.parked" : "conflict.decided", contactId,
                        externalId,
                        d.field(), text(d.oldValue()), text(d.newValue()),
                        "rule " + d.rule().wireName() + ": " + d.reason()))
                .toList();
    }

    /**
     * A first match (dedup) and what it merged: the record met contact {@code contactId} by its key
     * ({@code contact.received.matched}: the key as field, the value matched on as new), then one entry per field the
     * sides held differently, in Komo's field names: {@code field.merged.external} where the platform's value was taken
     * (old: Komo's, new: the platform's), {@code field.merged.komo} where Komo's stays (old: the platform's, new:
     * Komo's).
     *
     * @param komo     what the contact held of the record's fields before the merge
     * @param incoming the record's values
     * @param taken    the fields taken from the platform
     */
    public static List<SyncLogEntry> firstMatch(String integrationId, UUID contactId, String externalId, String key,
            String value, Map<String, Object> komo, Map<String, Object> incoming, Map<String, Object> taken) {
        List<SyncLogEntry> entries = new ArrayList<>();
        entries.add(new SyncLogEntry(Instant.now(), integrationId, Type.SUCCESS, "contact.received.matched", contactId,
                externalId, key, null, value, null, null));
        incoming.forEach((field, offered) -> {
            Object held = komo.get(field);
            if (taken.containsKey(field)) {
                entries.add(
                        fieldChanged(integrationId, "field.merged.external", contactId, externalId, field, text(held),
                                text(offered)));
            } else if (!FieldValues.same(held, offered)) {
                entries.add(
                        fieldChanged(integrationId, "field.merged.komo", contactId, externalId, field, text(offered),
                                text(held)));
            }
        });
        return entries;
    }

    public static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
