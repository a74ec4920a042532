package io.komo.sync.pipeline.conflict;

/**
 * One line of the conflict log. {@code oldValue} is what the written side held before (for a field that is not
 * written: the base), {@code newValue} what it holds after.
 */
public record MergeDecision(
        String field, ConflictRule rule, MergeOutcome outcome, Object oldValue, Object newValue, String reason) {
}
