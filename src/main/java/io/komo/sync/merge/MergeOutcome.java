package io.komo.sync.merge;

/** What the merge did with one field. */
public enum MergeOutcome {
    /** Komo's value is written to the external side. */
    TAKE_KOMO,
    /** The external value is written to Komo. */
    TAKE_EXTERNAL,
    /** Neither side changed it, or both changed it to the same value: nothing to write. */
    UNCHANGED,
    /** Both sides changed it differently and the rule is manual: left as is on both sides for a person. */
    PARKED,
    /** The rule keeps this change from crossing over (ignore, or the wrong way for komo-only / external-only). */
    IGNORED
}
