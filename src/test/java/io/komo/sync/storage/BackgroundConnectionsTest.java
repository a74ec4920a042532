package io.komo.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BackgroundConnectionsTest {

    @Test
    void backgroundWorkGetsThePoolLessWhatIsKeptForTheApiAndAtLeastOne() {
        assertThat(BackgroundConnections.budget(20, 5)).isEqualTo(15);
        assertThat(BackgroundConnections.budget(4, 2)).isEqualTo(2);
        assertThat(BackgroundConnections.budget(4, 4)).as("a sync must still move").isEqualTo(1);
        assertThat(BackgroundConnections.budget(4, 10)).isEqualTo(1);
    }

    @Test
    void noMoreLeasesThanTheBudgetUntilOneIsGivenBack() {
        BackgroundConnections connections = new BackgroundConnections(2);
        Optional<BackgroundConnections.Lease> first = connections.tryLease();
        Optional<BackgroundConnections.Lease> second = connections.tryLease();
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(connections.tryLease()).as("a third lease on a budget of two").isEmpty();

        first.get().close();
        assertThat(connections.tryLease()).as("after one was given back").isPresent();
        assertThat(connections.tryLease()).isEmpty();
    }

    @Test
    void aLeaseClosedTwiceIsGivenBackOnce() {
        BackgroundConnections connections = new BackgroundConnections(1);
        BackgroundConnections.Lease lease = connections.tryLease().orElseThrow();
        lease.close();
        lease.close();
        assertThat(connections.tryLease()).isPresent();
        assertThat(connections.tryLease()).as("the second close gave back nothing more").isEmpty();
    }

    @Test
    void waitingForALeaseEndsEmptyWhenNoneComesFree() throws InterruptedException {
        BackgroundConnections connections = new BackgroundConnections(1);
        BackgroundConnections.Lease held = connections.tryLease().orElseThrow();
        assertThat(connections.lease(Duration.ofMillis(50))).isEmpty();
        held.close();
        assertThat(connections.lease(Duration.ofMillis(50))).isPresent();
    }
}
