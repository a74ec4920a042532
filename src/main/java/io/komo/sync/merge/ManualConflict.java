package io.komo.sync.merge;

/** A field parked for a person: both sides' values and times, and the last agreed value (null when never agreed). */
public record ManualConflict(String contactId, String field, FieldVersion komo, FieldVersion external, Object base) {
}
