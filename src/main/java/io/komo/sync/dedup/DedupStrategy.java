package io.komo.sync.dedup;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The integration's {@code dedup.merge}: how an incoming record folds into the Komo contact with its email. */
public enum DedupStrategy {
    NEWEST_WINS("newest-wins"), KOMO_WINS("komo-wins"), FILL_BLANKS("fill-blanks");

    private final String wireName;

    DedupStrategy(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static DedupStrategy fromWireName(String name) {
        return Arrays.stream(values())
                .filter(strategy -> strategy.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dedup merge '" + name + "'; allowed: "
                        + Arrays.stream(values()).map(DedupStrategy::wireName).collect(Collectors.joining(", "))));
    }
}
