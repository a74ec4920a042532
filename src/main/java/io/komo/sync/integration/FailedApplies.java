package io.komo.sync.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored integrations this replica could not apply, tried again after a wait that doubles from 30 s to at
 * most 15 min. Before, a failed apply (a credential not readable yet, a route that would not start) was
 * only tried again when the integration changed again, and until then the replica kept running the old
 * definition, or nothing.
 */
final class FailedApplies {

    static final Duration FIRST_WAIT = Duration.ofSeconds(30);
    static final Duration LONGEST_WAIT = Duration.ofMinutes(15);

    private record Failure(StoredIntegrationsWatch.Stored stored, Instant nextTry, Duration waited) {
    }

    private final Map<String, Failure> failures = new ConcurrentHashMap<>();

    /** Whether this stored state failed to apply and its wait has not passed yet. A changed state is not waiting. */
    boolean waiting(StoredIntegrationsWatch.Stored stored, Instant now) {
        Failure failure = failures.get(stored.id());
        return failure != null && failure.stored().equals(stored) && now.isBefore(failure.nextTry());
    }

    /** Records a failed apply; the wait before the next attempt. */
    Duration failed(StoredIntegrationsWatch.Stored stored, Instant now) {
        Failure before = failures.get(stored.id());
        Duration wait = before == null || !before.stored().equals(stored)
                ? FIRST_WAIT
                : min(before.waited().multipliedBy(2), LONGEST_WAIT);
        failures.put(stored.id(), new Failure(stored, now.plus(wait), wait));
        return wait;
    }

    void succeeded(String id) {
        failures.remove(id);
    }

    /** Forgets the integrations that are not stored any more. */
    void retainAll(Set<String> storedIds) {
        failures.keySet().retainAll(storedIds);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
