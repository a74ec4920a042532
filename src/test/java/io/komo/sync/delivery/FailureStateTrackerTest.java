package io.komo.sync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureStateTrackerTest {

    private final FailureStateTracker tracker = new FailureStateTracker();

    @Test
    void startsHealthy() {
        assertThat(tracker.state()).isEqualTo(FailureStateTracker.State.HEALTHY);
    }

    @Test
    void onlyTheFirstFailureOfASpellRaisesTheEvent() {
        assertThat(tracker.recordFailure()).isTrue();
        assertThat(tracker.recordFailure()).isFalse();
        assertThat(tracker.recordFailure()).isFalse();
        assertThat(tracker.state()).isEqualTo(FailureStateTracker.State.FAILING);
    }

    @Test
    void aSuccessEndsTheSpellSoTheNextFailureRaisesAgain() {
        tracker.recordFailure();
        tracker.recordFailure();

        assertThat(tracker.recordSuccess()).isTrue();
        assertThat(tracker.state()).isEqualTo(FailureStateTracker.State.HEALTHY);
        assertThat(tracker.recordSuccess()).isFalse();
        assertThat(tracker.recordFailure()).isTrue();
    }
}
