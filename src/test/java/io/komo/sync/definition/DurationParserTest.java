package io.komo.sync.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationParserTest {

    @Test
    void readsEachUnit() {
        assertThat(DurationParser.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationParser.parse("1s")).isEqualTo(Duration.ofSeconds(1));
        assertThat(DurationParser.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(DurationParser.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationParser.parse(" 0s ")).isEqualTo(Duration.ZERO);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "10", "s", "-1s", "1.5s", "1 s", "1S", "1d", "1sec", "1m30s", "PT1S",
            "9999999999999h"})
    void rejectsAnythingElseSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> DurationParser.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid duration '" + text
                        + "': expected a whole number followed by ms, s, m or h, e.g. 500ms, 1s, 10m, 1h");
    }

    @Test
    void rejectsAMissingValue() {
        assertThatThrownBy(() -> DurationParser.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration missing");
    }
}
