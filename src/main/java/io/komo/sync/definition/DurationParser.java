package io.komo.sync.definition;

import java.time.Duration;

import io.komo.sync.connector.spi.ConnectorOption;

/**
 * Reads the API's durations ({@code retry.initialDelay: 1s}): a whole number and one of ms, s, m, h. The grammar is
 * {@link ConnectorOption#parseDuration}'s, so a connector's duration options are written the same way.
 */
public final class DurationParser {

    private DurationParser() {
    }

    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("duration missing: expected e.g. 500ms, 1s, 10m, 1h");
        }
        return ConnectorOption.parseDuration(text).orElseThrow(() -> new IllegalArgumentException("invalid duration '"
                + text + "': expected a whole number followed by ms, s, m or h, e.g. 500ms, 1s, 10m, 1h"));
    }
}
