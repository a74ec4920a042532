package io.komo.sync.merge;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One side's view of a contact: the fields it reported, each with its value and modification time.
 *
 * <p>A field the snapshot does not carry was not reported (a webhook often names only the changed property), so the
 * merge assumes it is unchanged since the base. To clear a field a side must carry it with a blank value.
 */
public final class SideSnapshot {

    private final Map<String, FieldVersion> fields;

    private SideSnapshot(Map<String, FieldVersion> fields) {
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static SideSnapshot empty() {
        return new SideSnapshot(new LinkedHashMap<>());
    }

    /** Values with per-field times; a field missing from {@code modifiedAt} has an unknown time. */
    public static SideSnapshot of(Map<String, ?> values, Map<String, Instant> modifiedAt) {
        Map<String, FieldVersion> fields = new LinkedHashMap<>();
        values.forEach((field, value) -> fields.put(field, new FieldVersion(value, modifiedAt.get(field))));
        return new SideSnapshot(fields);
    }

    /** All values changed at the same moment, e.g. a record whose platform only reports a record-level update time. */
    public static SideSnapshot at(Instant modifiedAt, Map<String, ?> values) {
        Map<String, FieldVersion> fields = new LinkedHashMap<>();
        values.forEach((field, value) -> fields.put(field, new FieldVersion(value, modifiedAt)));
        return new SideSnapshot(fields);
    }

    public SideSnapshot with(String field, Object value, Instant modifiedAt) {
        Map<String, FieldVersion> copy = new LinkedHashMap<>(fields);
        copy.put(field, new FieldVersion(value, modifiedAt));
        return new SideSnapshot(copy);
    }

    /** The reported version; a field this side does not carry reads as blank with an unknown time. */
    public FieldVersion version(String field) {
        return fields.getOrDefault(field, FieldVersion.ABSENT);
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public Set<String> fieldNames() {
        return fields.keySet();
    }
}
