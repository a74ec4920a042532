package io.komo.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContactBatchesTest {

    @Test
    void statisticsAreStaleWhenNeverTakenOrAFifthOffAndNotForAFewRows() {
        assertThat(ContactBatches.statisticsStale(-1, 0)).as("never analysed").isTrue();
        assertThat(ContactBatches.statisticsStale(0, 100_000)).as("analysed empty, then imported").isTrue();
        assertThat(ContactBatches.statisticsStale(100_000, 130_000)).as("30 % more").isTrue();
        assertThat(ContactBatches.statisticsStale(100_000, 70_000)).as("30 % fewer").isTrue();
        assertThat(ContactBatches.statisticsStale(100_000, 115_000)).as("15 % more").isFalse();
        assertThat(ContactBatches.statisticsStale(200, 1_100)).as("a few hundred rows").isFalse();
    }
}
