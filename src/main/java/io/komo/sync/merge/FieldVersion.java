package io.komo.sync.merge;

import java.time.Instant;

/** A field's value on one side and when that side last changed it ({@code modifiedAt} may be unknown: null). */
public record FieldVersion(Object value, Instant modifiedAt) {

    static final FieldVersion ABSENT = new FieldVersion(null, null);

    /** True when this side's time is strictly later; an unknown time is never newer, so it cannot decide a tie. */
    boolean isNewerThan(FieldVersion other) {
        return modifiedAt != null && other.modifiedAt != null && modifiedAt.isAfter(other.modifiedAt);
    }
}
