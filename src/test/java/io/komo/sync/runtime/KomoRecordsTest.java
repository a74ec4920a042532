package io.komo.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KomoRecordsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-28T08:07:42Z", "2026-11-28T08:07:42.7Z", "2026-11-28T08:07:42.72Z",
            "2026-11-28T08:07:42.722188Z", "2026-11-28T08:07:42.722188001Z", "2024-02-29T23:59:59.999999999Z",
            "1970-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z",
            // Not the form Komo writes: read by Instant.parse itself.
            "+12026-11-28T08:07:42Z", "2026-11-28T08:07:42+02:00", "2026-12-31T23:59:60Z",
            "2026-11-28T08:07:42.Z"})
    void aTimestampReadsAsInstantParseReadsIt(String text) {
        assertThat(KomoRecords.instant(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T08:07:42Z", "2026-13-28T08:07:42Z", "2026-11-28T24:07:42Z",
            "2026-11-28T08:60:42Z",
            "2026-11-28T08:07:4xZ", "2026-11-28T08:07:42.1234567890Z", "2026-11-28 08:07:42Z",
            "2026-11-28T08:07:42", "-026-11-28T08:07:42Z", ""})
    void anInvalidTimestampFailsAsInstantParseFails(String text) {
        assertThatThrownBy(() -> Instant.parse(text)).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> KomoRecords.instant(text)).isInstanceOf(DateTimeParseException.class);
    }
}
