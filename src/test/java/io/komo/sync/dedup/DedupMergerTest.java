package io.komo.sync.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.komo.sync.merge.SideSnapshot;

class DedupMergerTest {

    private static final Instant EARLY = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant LATE = Instant.parse("2026-03-01T11:00:00Z");

    private final DedupMerger merger = new DedupMerger();

    /** Komo contact: name set early, phone cleared on purpose late, city never set, tier set late. */
    private final SideSnapshot existing = SideSnapshot.empty()
            .with("firstName", "Ann", EARLY)
            .with("phone", null, LATE)
            .with("city", null, null)
            .with("tier", "GOLD", LATE);

    /** Incoming record: newer name, a phone, a city, an older tier. */
    private final SideSnapshot incoming = SideSnapshot.empty()
            .with("firstName", "Anne", LATE)
            .with("phone", "+441234", EARLY)
            .with("city", "Leeds", EARLY)
            .with("tier", "SILVER", EARLY);

    @Test
    void newestWinsTakesIncomingValuesChangedLater() {
        assertThat(merger.merge(existing, incoming, DedupStrategy.NEWEST_WINS))
                .containsExactlyInAnyOrderEntriesOf(Map.of("firstName", "Anne", "city", "Leeds"));
    }

    @Test
    void newestWinsLetsANewerBlankClearTheField() {
        Map<String, Object> changes = merger.merge(existing, SideSnapshot.empty().with("tier", "", LATE.plusSeconds(1)),
                DedupStrategy.NEWEST_WINS);

        assertThat(changes).containsExactly(Map.entry("tier", ""));
    }

    @Test
    void newestWinsNeverTakesAValueWithoutATime() {
        assertThat(merger.merge(existing, SideSnapshot.empty().with("firstName", "Anne", null),
                DedupStrategy.NEWEST_WINS)).isEmpty();
    }

    @Test
    void komoWinsOnlyFillsFieldsKomoNeverHeld() {
        Map<String, Object> changes = merger.merge(existing,
                incoming.with("country", "UK", EARLY), DedupStrategy.KOMO_WINS);

        assertThat(changes).containsExactlyInAnyOrderEntriesOf(Map.of("city", "Leeds", "country", "UK"));
    }

    @Test
    void fillBlanksFillsEveryBlankFieldIncludingClearedOnes() {
        assertThat(merger.merge(existing, incoming, DedupStrategy.FILL_BLANKS))
                .containsExactlyInAnyOrderEntriesOf(Map.of("phone", "+441234", "city", "Leeds"));
    }

    @Test
    void equalValuesAreNotChanges() {
        Map<String, Object> same = new HashMap<>();
        same.put("firstName", "Ann");
        same.put("city", "");
        SideSnapshot echo = SideSnapshot.at(LATE.plusSeconds(60), same);

        for (DedupStrategy strategy : DedupStrategy.values()) {
            assertThat(merger.merge(existing, echo, strategy)).as(strategy.wireName()).isEmpty();
        }
    }

    @Test
    void fieldsTheIncomingRecordLeavesOutAreKept() {
        assertThat(merger.merge(existing, SideSnapshot.empty(), DedupStrategy.NEWEST_WINS)).isEmpty();
    }

    @Test
    void strategyNamesAreTheDefinitionsNames() {
        assertThat(DedupStrategy.fromWireName("newest-wins")).isEqualTo(DedupStrategy.NEWEST_WINS);
        assertThat(DedupStrategy.fromWireName("komo-wins")).isEqualTo(DedupStrategy.KOMO_WINS);
        assertThat(DedupStrategy.fromWireName("fill-blanks")).isEqualTo(DedupStrategy.FILL_BLANKS);
        assertThatThrownBy(() -> DedupStrategy.fromWireName("oldest-wins"))
                .hasMessage("unknown dedup merge 'oldest-wins'; allowed: newest-wins, komo-wins, fill-blanks");
    }
}
