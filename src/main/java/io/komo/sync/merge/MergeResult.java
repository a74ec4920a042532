package io.komo.sync.merge;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The outcome of merging one contact. Maps may hold null values: writing null clears a field.
 *
 * @param komoWrites      fields to write to Komo
 * @param externalWrites  fields to write to the external side
 * @param newBase         the values both sides hold once the writes are done; persist it as the next base
 * @param baseChanged     whether {@code newBase} differs from the base given to the merge
 * @param manualConflicts fields parked for a person; their base is not advanced
 * @param decisions       one per field, for the conflict log
 */
public record MergeResult(
        String contactId,
        Map<String, Object> komoWrites,
        Map<String, Object> externalWrites,
        Map<String, Object> newBase,
        boolean baseChanged,
        List<ManualConflict> manualConflicts,
        List<MergeDecision> decisions) {

    public MergeResult {
        komoWrites = Collections.unmodifiableMap(komoWrites);
        externalWrites = Collections.unmodifiableMap(externalWrites);
        newBase = Collections.unmodifiableMap(newBase);
        manualConflicts = List.copyOf(manualConflicts);
        decisions = List.copyOf(decisions);
    }

    /**
     * True when the event changes nothing anywhere: no write, no new base, nothing parked. The pipeline drops such
     * an event; this is what stops an echo of the runtime's own write from bouncing back (ping-pong).
     */
    public boolean isEmpty() {
        return komoWrites.isEmpty() && externalWrites.isEmpty() && !baseChanged && manualConflicts.isEmpty();
    }
}
