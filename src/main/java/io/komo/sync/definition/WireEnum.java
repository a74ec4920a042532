package io.komo.sync.definition;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads the lower-case, hyphenated names that definitions use for enum values, naming the allowed ones on a miss. */
final class WireEnum {

    private WireEnum() {
    }

    static String wireName(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> wireName(e).equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown value '" + name + "'; allowed: "
                        + Arrays.stream(type.getEnumConstants()).map(WireEnum::wireName)
                                .collect(Collectors.joining(", "))));
    }
}
