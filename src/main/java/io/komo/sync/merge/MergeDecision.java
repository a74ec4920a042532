package io.komo.sync.merge;

/**
 * What the merge decided for one field. {@code oldValue} is what the written side held before (for a field that
 * is not written: the base), {@code newValue} what it holds after. {@code conflict}: both sides changed the field
 * to different values, and the field's rule settled it; those decisions are the conflict log.
 */
public record MergeDecision(
        String field, ConflictRule rule, MergeOutcome outcome, Object oldValue, Object newValue, String reason,
        boolean conflict) {
}
