package io.komo.sync.merge;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** An integration's {@code conflicts} section plus its {@code sourceOfTruth}, which settles two-way ties. */
public record ConflictPolicy(ConflictRule defaultRule, Map<String, ConflictRule> fieldRules, Side sourceOfTruth) {

    public ConflictPolicy {
        Objects.requireNonNull(defaultRule, "defaultRule");
        Objects.requireNonNull(sourceOfTruth, "sourceOfTruth");
        fieldRules = Map.copyOf(fieldRules == null ? Map.of() : fieldRules);
    }

    public static ConflictPolicy of(ConflictRule defaultRule, Side sourceOfTruth) {
        return new ConflictPolicy(defaultRule, Map.of(), sourceOfTruth);
    }

    public ConflictPolicy withField(String field, ConflictRule rule) {
        var rules = new HashMap<>(fieldRules);
        rules.put(field, rule);
        return new ConflictPolicy(defaultRule, rules, sourceOfTruth);
    }

    public ConflictRule ruleFor(String field) {
        return fieldRules.getOrDefault(field, defaultRule);
    }
}
