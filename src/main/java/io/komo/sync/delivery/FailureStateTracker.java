package io.komo.sync.delivery;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Raises "sync failed" once per failing spell rather than once per failure, so a platform outage does not flood
 * Slack: the first failure after a success (or since start) is reported, the rest are not until a success.
 */
public final class FailureStateTracker {

    public enum State { HEALTHY, FAILING }

    private final AtomicReference<State> state = new AtomicReference<>(State.HEALTHY);

    /** @return true when this failure starts a failing spell: raise the "sync failed" event now */
    public boolean recordFailure() {
        return state.getAndSet(State.FAILING) == State.HEALTHY;
    }

    /** @return true when this success ends a failing spell */
    public boolean recordSuccess() {
        return state.getAndSet(State.HEALTHY) == State.FAILING;
    }

    public State state() {
        return state.get();
    }
}
