package io.komo.sync.merge;

import static io.komo.sync.merge.FieldValues.isBlank;
import static io.komo.sync.merge.FieldValues.same;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The 3-way merge of DESIGN.md "Conflicts": each field of a contact is compared with the base, the values both
 * sides last agreed on.
 *
 * <ul>
 *   <li>Only one side differs from the base: its change crosses over, if the field's rule lets it go that way.</li>
 *   <li>Both differ but agree with each other: nothing to write, the base catches up.</li>
 *   <li>Both differ and disagree: a conflict, settled by the field's rule.</li>
 *   <li>A field with no base yet (first sync, or a newly mapped field) counts as changed on a side when that side
 *       has a non-blank value; so a blank side takes the other's value and two different values conflict.</li>
 * </ul>
 *
 * Equality is {@link FieldValues#same}, so a value the runtime wrote and hears back equals the base: an echo
 * produces an empty result.
 */
public final class MergeResolver {

    /**
     * @param base the last agreed values; null or an empty map before the first sync. A field absent from it has
     *             no base yet, a field present with null was agreed blank.
     */
    public MergeResult merge(
            String contactId, Map<String, Object> base, SideSnapshot komo, SideSnapshot external,
            ConflictPolicy policy) {
        Merge merge = new Merge(contactId, base == null ? Map.of() : base, komo, external, policy);
        Set<String> fields = new LinkedHashSet<>(komo.fieldNames());
        fields.addAll(external.fieldNames());
        fields.forEach(merge::field);
        return merge.result();
    }

    private static final class Merge {
        private final String contactId;
        private final Map<String, Object> base;
        private final SideSnapshot komo;
        private final SideSnapshot external;
        private final ConflictPolicy policy;
        private final Map<String, Object> komoWrites = new LinkedHashMap<>();
        private final Map<String, Object> externalWrites = new LinkedHashMap<>();
        private final Map<String, Object> newBase;
        private final List<ManualConflict> parked = new ArrayList<>();
        private final List<MergeDecision> decisions = new ArrayList<>();
        private boolean baseChanged;

        Merge(String contactId, Map<String, Object> base, SideSnapshot komo, SideSnapshot external,
                ConflictPolicy policy) {
            this.contactId = contactId;
            this.base = base;
            this.komo = komo;
            this.external = external;
            this.policy = policy;
            this.newBase = new LinkedHashMap<>(base);
        }

        void field(String field) {
            ConflictRule rule = policy.ruleFor(field);
            boolean baseKnown = base.containsKey(field);
            Object baseValue = base.get(field);
            FieldVersion k = reported(komo, field, baseKnown, baseValue);
            FieldVersion e = reported(external, field, baseKnown, baseValue);
            if (rule == ConflictRule.IGNORE) {
                decide(field, rule, MergeOutcome.IGNORED, baseValue, baseValue, "field is not synced", false);
                return;
            }
            boolean komoChanged = baseKnown ? !same(k.value(), baseValue) : !isBlank(k.value());
            boolean externalChanged = baseKnown ? !same(e.value(), baseValue) : !isBlank(e.value());
            if (!komoChanged && !externalChanged) {
                decide(field, rule, MergeOutcome.UNCHANGED, baseValue, baseValue, "neither side changed", false);
            } else if (komoChanged && externalChanged && same(k.value(), e.value())) {
                advanceBase(field, k.value());
                decide(field, rule, MergeOutcome.UNCHANGED, baseValue, k.value(), "both sides made the same change",
                        false);
            } else if (komoChanged != externalChanged) {
                Side changedSide = komoChanged ? Side.KOMO : Side.EXTERNAL;
                if (rule.lets(changedSide)) {
                    take(field, rule, changedSide, "only " + changedSide.wireName() + " changed", false);
                } else {
                    decide(field, rule, MergeOutcome.IGNORED, baseValue, baseValue,
                            changedSide.wireName() + " change not synced: field is " + rule.wireName(), false);
                }
            } else {
                settleConflict(field, rule, k, e, baseValue);
            }
        }

        /** A field a side did not report is taken as unchanged since the base. */
        private static FieldVersion reported(SideSnapshot side, String field, boolean baseKnown, Object baseValue) {
            if (side.has(field)) {
                return side.version(field);
            }
            return baseKnown ? new FieldVersion(baseValue, null) : FieldVersion.ABSENT;
        }

        private void settleConflict(String field, ConflictRule rule, FieldVersion k, FieldVersion e, Object baseValue) {
            switch (rule) {
                case TWO_WAY -> {
                    if (k.isNewerThan(e)) {
                        take(field, rule, Side.KOMO, "komo changed it later", true);
                    } else if (e.isNewerThan(k)) {
                        take(field, rule, Side.EXTERNAL, "external changed it later", true);
                    } else {
                        take(field, rule, policy.sourceOfTruth(),
                                "same or unknown change time: source of truth wins", true);
                    }
                }
                case PREFER_KOMO, KOMO_ONLY -> take(field, rule, Side.KOMO, "komo preferred", true);
                case PREFER_EXTERNAL, EXTERNAL_ONLY -> take(field, rule, Side.EXTERNAL, "external preferred", true);
                case PREFER_KOMO_UNLESS_BLANK -> takeUnlessBlank(field, rule, Side.KOMO, k);
                case PREFER_EXTERNAL_UNLESS_BLANK -> takeUnlessBlank(field, rule, Side.EXTERNAL, e);
                case MANUAL -> {
                    parked.add(new ManualConflict(contactId, field, k, e, baseValue));
                    decide(field, rule, MergeOutcome.PARKED, baseValue, baseValue,
                            "parked for manual review", true);
                }
            }
        }

        private void takeUnlessBlank(String field, ConflictRule rule, Side preferred, FieldVersion preferredVersion) {
            if (isBlank(preferredVersion.value())) {
                take(field, rule, preferred.other(), preferred.wireName() + " preferred but blank", true);
            } else {
                take(field, rule, preferred, preferred.wireName() + " preferred", true);
            }
        }

        private void take(String field, ConflictRule rule, Side winner, String reason, boolean conflict) {
            Object value = (winner == Side.KOMO ? komo : external).version(field).value();
            Map<String, Object> target = winner == Side.KOMO ? externalWrites : komoWrites;
            SideSnapshot overwritten = winner == Side.KOMO ? external : komo;
            Object oldValue = overwritten.has(field) ? overwritten.version(field).value() : base.get(field);
            target.put(field, value);
            advanceBase(field, value);
            decide(field, rule, winner == Side.KOMO ? MergeOutcome.TAKE_KOMO : MergeOutcome.TAKE_EXTERNAL,
                    oldValue, value, reason, conflict);
        }

        private void advanceBase(String field, Object value) {
            if (!base.containsKey(field) || !same(base.get(field), value)) {
                baseChanged = true;
            }
            newBase.put(field, value);
        }

        private void decide(String field, ConflictRule rule, MergeOutcome outcome, Object oldValue, Object newValue,
                String reason, boolean conflict) {
            decisions.add(new MergeDecision(field, rule, outcome, oldValue, newValue, reason, conflict));
        }

        MergeResult result() {
            return new MergeResult(contactId, komoWrites, externalWrites, newBase, baseChanged, parked, decisions);
        }
    }
}
