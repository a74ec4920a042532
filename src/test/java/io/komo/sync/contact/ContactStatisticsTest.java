package io.komo.sync.contact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactStatisticsTest {

    @Test
    void statisticsAreStaleWhenNeverTakenOrAFifthOffAndNotForAFewRows() {
        assertThat(ContactStatistics.stale(-1, 0)).as("never analysed").isTrue();
        assertThat(ContactStatistics.stale(0, 100_000)).as("analysed empty, then imported").isTrue();
        assertThat(ContactStatistics.stale(100_000, 130_000)).as("30 % more").isTrue();
        assertThat(ContactStatistics.stale(100_000, 70_000)).as("30 % fewer").isTrue();
        assertThat(ContactStatistics.stale(100_000, 115_000)).as("15 % more").isFalse();
        assertThat(ContactStatistics.stale(200, 1_100)).as("a few hundred rows").isFalse();
    }
}
