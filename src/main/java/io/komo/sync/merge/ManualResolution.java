package io.komo.sync.merge;

import java.util.Locale;
import java.util.Objects;

/**
 * A person's answer to a parked conflict, as posted to {@code /api/conflicts/{id}/resolve}:
 * {@code {"winner": "komo" | "external" | "value", "value": ...}}.
 */
public final class ManualResolution {

    private enum Winner {
        KOMO, EXTERNAL, VALUE
    }

    private final Winner winner;
    private final Object value;

    private ManualResolution(Winner winner, Object value) {
        this.winner = winner;
        this.value = value;
    }

    public static ManualResolution komoWins() {
        return new ManualResolution(Winner.KOMO, null);
    }

    public static ManualResolution externalWins() {
        return new ManualResolution(Winner.EXTERNAL, null);
    }

    /** Both sides get {@code value}, which may be null to clear the field. */
    public static ManualResolution explicitValue(Object value) {
        return new ManualResolution(Winner.VALUE, value);
    }

    public static ManualResolution fromRequest(String winner, Object value) {
        return switch (Objects.requireNonNullElse(winner, "").toLowerCase(Locale.ROOT)) {
            case "komo" -> komoWins();
            case "external" -> externalWins();
            case "value" -> explicitValue(value);
            default -> throw new IllegalArgumentException(
                    "unknown winner '" + winner + "'; allowed: komo, external, value");
        };
    }

    /** What to write for the parked field; the parked values are used, not whatever the sides hold now. */
    public ResolvedConflict apply(ManualConflict conflict) {
        return switch (winner) {
            case KOMO -> new ResolvedConflict(conflict.field(), conflict.komo().value(), false, true);
            case EXTERNAL -> new ResolvedConflict(conflict.field(), conflict.external().value(), true, false);
            case VALUE -> new ResolvedConflict(conflict.field(), value, true, true);
        };
    }

    /**
     * @param value           the field's value on both sides afterwards, which is also its new base
     * @param writeToKomo     whether Komo must be written
     * @param writeToExternal whether the external side must be written
     */
    public record ResolvedConflict(String field, Object value, boolean writeToKomo, boolean writeToExternal) {
    }
}
