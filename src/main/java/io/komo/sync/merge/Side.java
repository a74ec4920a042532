package io.komo.sync.merge;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The two ends of a sync; also the integration's {@code sourceOfTruth}. */
public enum Side {
    KOMO, EXTERNAL;

    public Side other() {
        return this == KOMO ? EXTERNAL : KOMO;
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Side fromWireName(String name) {
        for (Side side : values()) {
            if (side.wireName().equals(name)) {
                return side;
            }
        }
        throw new IllegalArgumentException("unknown side '" + name + "'; allowed: komo, external");
    }
}
