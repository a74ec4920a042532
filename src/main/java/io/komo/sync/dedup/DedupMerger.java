package io.komo.sync.dedup;

import static io.komo.sync.merge.FieldValues.isBlank;
import static io.komo.sync.merge.FieldValues.same;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import io.komo.sync.merge.FieldVersion;
import io.komo.sync.merge.SideSnapshot;

/**
 * Folds a record arriving from outside into the existing Komo contact it matched by normalised email. Only fields
 * the incoming record carries are considered; one it leaves out is never cleared.
 *
 * <ul>
 *   <li>{@code newest-wins}: an incoming value replaces the existing one when its time is later, or the existing
 *       time is unknown. An incoming value with no time never wins. A newer blank clears the field.</li>
 *   <li>{@code komo-wins}: only fields Komo has never held (absent, or blank with no time) are filled; a field Komo
 *       cleared on purpose (blank with a time) stays blank.</li>
 *   <li>{@code fill-blanks}: every blank Komo field is filled, cleared ones included.</li>
 * </ul>
 */
public final class DedupMerger {

    /** @return the fields to change on the Komo contact (values may be null) */
    public Map<String, Object> merge(SideSnapshot existing, SideSnapshot incoming, DedupStrategy strategy) {
        Map<String, Object> changes = new LinkedHashMap<>();
        for (String field : incoming.fieldNames()) {
            FieldVersion current = existing.version(field);
            FieldVersion offered = incoming.version(field);
            if (!same(current.value(), offered.value()) && accepts(strategy, current, offered)) {
                changes.put(field, offered.value());
            }
        }
        return Collections.unmodifiableMap(changes);
    }

    private static boolean accepts(DedupStrategy strategy, FieldVersion current, FieldVersion offered) {
        return switch (strategy) {
            case NEWEST_WINS -> offered.modifiedAt() != null
                    && (current.modifiedAt() == null || offered.modifiedAt().isAfter(current.modifiedAt()));
            case KOMO_WINS -> isBlank(current.value()) && current.modifiedAt() == null;
            case FILL_BLANKS -> isBlank(current.value());
        };
    }
}
