package io.komo.sync.run;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The historical syncs of the spec: all contacts, a period, what changed since the last run, or a filter. */
public enum RunType {
    FULL, DATE_RANGE, INCREMENTAL, SELECTIVE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static RunType of(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown run type '" + name + "'; allowed: "
                        + Arrays.stream(values()).map(RunType::wireName).collect(Collectors.joining(", "))));
    }
}
