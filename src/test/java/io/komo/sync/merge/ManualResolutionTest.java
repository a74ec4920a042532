package io.komo.sync.merge;

import static io.komo.sync.merge.Fixtures.EARLY;
import static io.komo.sync.merge.Fixtures.LATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.komo.sync.merge.ManualResolution.ResolvedConflict;

class ManualResolutionTest {

    private final ManualConflict parked = new ManualConflict("c-7", "email",
            new FieldVersion("b@x.com", EARLY), new FieldVersion("c@x.com", LATE), "a@x.com");

    @Test
    void komoWinnerIsWrittenToTheExternalSideOnly() {
        assertThat(ManualResolution.komoWins().apply(parked))
                .isEqualTo(new ResolvedConflict("email", "b@x.com", false, true));
    }

    @Test
    void externalWinnerIsWrittenToKomoOnly() {
        assertThat(ManualResolution.externalWins().apply(parked))
                .isEqualTo(new ResolvedConflict("email", "c@x.com", true, false));
    }

    @Test
    void explicitValueIsWrittenToBothSides() {
        assertThat(ManualResolution.explicitValue("d@x.com").apply(parked))
                .isEqualTo(new ResolvedConflict("email", "d@x.com", true, true));
    }

    @Test
    void requestBodyWinnerIsReadCaseInsensitively() {
        assertThat(ManualResolution.fromRequest("Komo", null).apply(parked).value()).isEqualTo("b@x.com");
        assertThat(ManualResolution.fromRequest("external", "ignored").apply(parked).value()).isEqualTo("c@x.com");
        assertThat(ManualResolution.fromRequest("value", null).apply(parked))
                .isEqualTo(new ResolvedConflict("email", null, true, true));
    }

    @Test
    void unknownWinnerIsRejectedNamingTheChoices() {
        assertThatThrownBy(() -> ManualResolution.fromRequest("newest", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown winner 'newest'; allowed: komo, external, value");
        assertThatThrownBy(() -> ManualResolution.fromRequest(null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void resolvedValueBecomesTheBaseSoTheNextMergeIsQuiet() {
        ResolvedConflict resolved = ManualResolution.komoWins().apply(parked);
        var base = Fixtures.values("email", resolved.value());

        MergeResult next = new MergeResolver().merge("c-7", base, Fixtures.at(LATE, "email", "b@x.com"),
                Fixtures.at(LATE, "email", "b@x.com"), ConflictPolicy.of(ConflictRule.MANUAL, Side.KOMO));

        assertThat(next.isEmpty()).isTrue();
    }
}
