package io.komo.sync.inbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.komo.sync.connector.spi.InboundRecord;

/**
 * What the platform changed on one contact since the last time its changes were applied: the successive
 * inbound records of the contact folded into one (by {@link #then}), with the stored webhook events they came from.
 * Kept as JSON in the aggregation repository until the group is applied.
 *
 * @param correlationKey the contact's group: integration id plus external id, or plus normalised email without one
 * @param fields         per platform field, the newest value and when the platform changed it (null: unknown)
 * @param deleted        the platform's last word on the record is that it deleted it
 * @param changedAt      for a deletion, when it happened; otherwise the newest known field time (null: unknown)
 */
public record PendingChange(String correlationKey, String externalId, Map<String, FieldChange> fields, boolean deleted,
        Instant changedAt, List<UUID> eventIds) {

    public record FieldChange(Object value, Instant changedAt) {
    }

    public static PendingChange of(String correlationKey, UUID eventId, InboundRecord record) {
        Map<String, FieldChange> fields = new LinkedHashMap<>();
        if (!record.deleted()) {
            record.fields().forEach((field, value) -> fields.put(field, new FieldChange(value, record.changedAt())));
        }
        return new PendingChange(correlationKey, record.externalId(), fields, record.deleted(), record.changedAt(),
                List.of(eventId));
    }

    /**
     * This change followed by a later-arriving one. Per field the newer value wins: by the platform's change time
     * when both are known and differ, else by arrival, so the later-arriving one. A deletion drops every field
     * change it is not older than and stays a deletion; a field change newer than a deletion means the platform
     * re-created the record, and that change alone is kept, without the deletion or anything before it.
     */
    public PendingChange then(PendingChange later) {
        List<UUID> events = new ArrayList<>(eventIds);
        events.addAll(later.eventIds);
        String id = later.externalId != null ? later.externalId : externalId;
        if (later.deleted) {
            Map<String, FieldChange> recreated = newerThan(fields, later.changedAt);
            return recreated.isEmpty()
                    ? new PendingChange(correlationKey, id, Map.of(), true, later.changedAt, events)
                    : upsert(id, recreated, events);
        }
        if (deleted) {
            Map<String, FieldChange> recreated = new LinkedHashMap<>();
            later.fields.forEach((field, change) -> {
                if (!strictlyAfter(changedAt, change.changedAt())) {
                    recreated.put(field, change);
                }
            });
            return recreated.isEmpty()
                    ? new PendingChange(correlationKey, id, fields, true, changedAt, events)
                    : upsert(id, recreated, events);
        }
        Map<String, FieldChange> merged = new LinkedHashMap<>(fields);
        later.fields.forEach((field, change) -> merged.merge(field, change,
                (earlier, latest) -> strictlyAfter(earlier.changedAt(), latest.changedAt()) ? earlier : latest));
        return upsert(id, merged, events);
    }

    /** The folded change as one record, for the 3-way merge. */
    public InboundRecord record() {
        Map<String, Object> values = new LinkedHashMap<>();
        fields.forEach((field, change) -> values.put(field, change.value()));
        return new InboundRecord(externalId, values, changedAt, deleted);
    }

    /** The fields whose change time the platform gave. */
    public Map<String, Instant> fieldChangedAt() {
        Map<String, Instant> times = new LinkedHashMap<>();
        fields.forEach((field, change) -> {
            if (change.changedAt() != null) {
                times.put(field, change.changedAt());
            }
        });
        return times;
    }

    private PendingChange upsert(String id, Map<String, FieldChange> fields, List<UUID> events) {
        Instant newest = fields.values().stream().map(FieldChange::changedAt).filter(t -> t != null)
                .max(Instant::compareTo).orElse(null);
        return new PendingChange(correlationKey, id, fields, false, newest, events);
    }

    private static Map<String, FieldChange> newerThan(Map<String, FieldChange> fields, Instant deletedAt) {
        Map<String, FieldChange> newer = new LinkedHashMap<>();
        fields.forEach((field, change) -> {
            if (strictlyAfter(change.changedAt(), deletedAt)) {
                newer.put(field, change);
            }
        });
        return newer;
    }

    /** Only two known, different times order changes; otherwise arrival does. */
    private static boolean strictlyAfter(Instant a, Instant b) {
        return a != null && b != null && a.isAfter(b);
    }
}
