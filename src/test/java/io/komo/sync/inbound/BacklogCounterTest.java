package io.komo.sync.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The in-memory backlog between two counts of the database, the bound, the apply rate and the Retry-After. */
class BacklogCounterTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static BacklogCounter.Count waiting(long pushed, long pushedSince) {
        return new BacklogCounter.Count(pushed, 0, pushedSince, pushed == 0 ? null : T0);
    }

    @Test
    void theBacklogIsTheLastCountPlusWhatThisReplicaAcceptedSince() {
        BacklogCounter counter = new BacklogCounter();
        counter.accepted();
        counter.accepted();
        assertThat(counter.backlog()).as("before any count: what was accepted here").isEqualTo(2);

        long before = counter.acceptedSoFar();
        counter.counted(before, waiting(45, 0), T0);
        assertThat(counter.backlog()).as("the two accepts are in the count, not counted again").isEqualTo(45);

        counter.accepted();
        assertThat(counter.backlog()).isEqualTo(46);
    }

    @Test
    void anAcceptCommittedWhileTheCountRanIsCountedTwiceUntilTheNextCountNeverLost() {
        BacklogCounter counter = new BacklogCounter();
        long before = counter.acceptedSoFar();
        counter.accepted(); // committed after the token was read, and seen by the query
        counter.counted(before, waiting(1, 0), T0);
        assertThat(counter.backlog()).as("errs on the side of refusing").isEqualTo(2);

        counter.counted(counter.acceptedSoFar(), waiting(1, 0), T0.plusMillis(250));
        assertThat(counter.backlog()).isEqualTo(1);
    }

    @Test
    void pulledPagesAreNotBounded() {
        BacklogCounter counter = new BacklogCounter();
        counter.counted(0, new BacklogCounter.Count(3, 500, 0, T0), T0);

        assertThat(counter.backlog()).isEqualTo(3);
        assertThat(counter.lastCount().pulledPages()).isEqualTo(500);
        assertThat(counter.admit(4, 300).admitted()).isTrue();
    }

    @Test
    void aWebhookIsTakenUnderTheBoundAndRefusedAtIt() {
        BacklogCounter counter = new BacklogCounter();
        counter.counted(0, waiting(9, 0), T0);

        assertThat(counter.admit(10, 300)).isEqualTo(new BacklogCounter.Admission(true, 9, 0));
        counter.accepted();
        BacklogCounter.Admission refused = counter.admit(10, 300);
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.backlog()).isEqualTo(10);
        assertThat(refused.retryAfterSeconds()).as("nothing applied yet: the cap").isEqualTo(300);
    }

    @Test
    void theApplyRateIsWhatLeftTheWaitingSetPerSecondWithNewArrivalsTakenIntoAccount() {
        BacklogCounter counter = new BacklogCounter();
        counter.counted(0, waiting(1000, 0), T0);
        assertThat(counter.appliedPerSecond()).isZero();

        // one second later: 300 claimed, 100 new arrived -> 800 waiting
        counter.counted(0, waiting(800, 100), T0.plusSeconds(1));
        assertThat(counter.appliedPerSecond()).isEqualTo(300.0);

        // one more second: 200 claimed, none arrived
        counter.counted(0, waiting(600, 0), T0.plusSeconds(2));
        assertThat(counter.appliedPerSecond()).isEqualTo(250.0);
    }

    @Test
    void theApplyRateForgetsWhatIsOlderThanItsWindowSoAPausedIntegrationDropsToZero() {
        BacklogCounter counter = new BacklogCounter();
        counter.counted(0, waiting(1000, 0), T0);
        counter.counted(0, waiting(0, 0), T0.plusSeconds(1));
        assertThat(counter.appliedPerSecond()).isEqualTo(1000.0);

        long seconds = BacklogCounter.RATE_WINDOW.toSeconds();
        for (int i = 2; i <= seconds + 2; i++) {
            counter.counted(0, waiting(0, 0), T0.plusSeconds(i));
        }
        assertThat(counter.appliedPerSecond()).isZero();
    }

    @Test
    void aNegativeDrainFromALateCommitDoesNotLowerTheRate() {
        BacklogCounter counter = new BacklogCounter();
        counter.counted(0, waiting(10, 0), T0);
        // a webhook received before the last count but committed after it: one more waiting, none "arrived since"
        counter.counted(0, waiting(11, 0), T0.plusSeconds(1));
        assertThat(counter.appliedPerSecond()).isZero();
    }

    @Test
    void retryAfterIsTheTimeToDrainBelowTheBoundWithATenthOfRoomBetweenOneSecondAndTheCap() {
        assertThat(BacklogCounter.retryAfterSeconds(50_000, 50_000, 250, 300))
                .as("5,000 to drain at 250/s").isEqualTo(20);
        assertThat(BacklogCounter.retryAfterSeconds(50_000, 50_000, 10_000, 300)).as("the floor").isEqualTo(1);
        assertThat(BacklogCounter.retryAfterSeconds(50_000, 50_000, 1, 300)).as("the cap").isEqualTo(300);
        assertThat(BacklogCounter.retryAfterSeconds(50_000, 50_000, 0, 300)).as("nothing applied").isEqualTo(300);
        assertThat(BacklogCounter.retryAfterSeconds(3, 3, 0.5, 300)).as("a tiny bound: room for one").isEqualTo(2);
    }
}
