package io.komo.sync.merge;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How a field is synced and who wins when both sides changed it (API.md, {@code conflicts}). */
public enum ConflictRule {
    TWO_WAY("two-way"), PREFER_KOMO("prefer-komo"), PREFER_EXTERNAL("prefer-external"), PREFER_KOMO_UNLESS_BLANK(
            "prefer-komo-unless-blank"), PREFER_EXTERNAL_UNLESS_BLANK("prefer-external-unless-blank"), KOMO_ONLY(
                    "komo-only"), EXTERNAL_ONLY("external-only"), MANUAL("manual"), IGNORE("ignore");

    private final String wireName;

    ConflictRule(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ConflictRule fromWireName(String name) {
        return Arrays.stream(values())
                .filter(rule -> rule.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown conflict rule '" + name + "'; allowed: "
                        + Arrays.stream(values()).map(ConflictRule::wireName).collect(Collectors.joining(", "))));
    }

    /** Whether a change made on {@code side} may be copied to the other side. */
    boolean lets(Side side) {
        return switch (this) {
            case IGNORE -> false;
            case KOMO_ONLY -> side == Side.KOMO;
            case EXTERNAL_ONLY -> side == Side.EXTERNAL;
            default -> true;
        };
    }
}
