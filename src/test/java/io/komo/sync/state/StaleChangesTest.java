package io.komo.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class StaleChangesTest {

    private static final Instant KOMO_WROTE_TIER = Instant.parse("2026-11-28T10:00:05Z");
    private static final Map<String, Instant> SENT = Map.of("tier", KOMO_WROTE_TIER);

    private static final Map<String, Object> BASE = Map.of("tier", "PLATINUM", "first_name", "Ann");

    private static Map<String, Instant> allAt(Instant changedAt) {
        return Map.of("tier", changedAt, "first_name", changedAt);
    }

    private static Map<String, Object> reported() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tier", "GOLD");
        fields.put("first_name", "Ann");
        return fields;
    }

    @Test
    void aFieldChangedOnThePlatformBeforeKomosLaterWriteOfItIsStale() {
        Set<String> stale = StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER.minusMillis(1)), BASE,
                SENT::get);
        assertThat(stale).containsExactly("tier");
        assertThat(StaleChanges.without(reported(), stale)).containsOnlyKeys("first_name");
    }

    @Test
    void anOldReportOfTheValueBothSidesHoldIsAPlainEchoNotAStaleChange() {
        assertThat(StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER.minusMillis(1)), Map.of("tier", "GOLD"),
                SENT::get))
                .isEmpty();
        assertThat(StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER.minusMillis(1)), Map.of(), SENT::get))
                .as("no base yet: the value is not known to be agreed").containsExactly("tier");
    }

    @Test
    void aChangeAtOrAfterKomosWriteCounts() {
        assertThat(StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER), BASE, SENT::get)).isEmpty();
        assertThat(StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER.plusSeconds(1)), BASE, SENT::get))
                .isEmpty();
    }

    @Test
    void eachFieldIsJudgedByItsOwnChangeTime() {
        Map<String, Instant> times = Map.of("tier", KOMO_WROTE_TIER.plusSeconds(1), "first_name",
                KOMO_WROTE_TIER.minusSeconds(1));
        Map<String, Object> base = Map.of("tier", "PLATINUM", "first_name", "Annie");
        assertThat(StaleChanges.staleFields(reported(), times, base,
                Map.of("tier", KOMO_WROTE_TIER, "first_name", KOMO_WROTE_TIER)::get))
                .containsExactly("first_name");
    }

    @Test
    void withoutAChangeTimeOrAWriteOfTheFieldNothingIsStale() {
        assertThat(StaleChanges.staleFields(reported(), Map.of(), BASE, SENT::get)).isEmpty();
        assertThat(StaleChanges.staleFields(reported(), allAt(KOMO_WROTE_TIER.minusSeconds(60)), BASE, field -> null))
                .isEmpty();
        assertThat(StaleChanges.staleFields(Map.of("first_name", "Ann"), allAt(KOMO_WROTE_TIER.minusSeconds(60)), BASE,
                SENT::get)).isEmpty();
    }
}
