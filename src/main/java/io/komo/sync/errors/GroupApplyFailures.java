package io.komo.sync.errors;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed attempts to apply an aggregated group, by group id. A group whose application fails rolls its batch back
 * and is tried again at the next tick, first in line; a group that can never be applied (say, a platform record with
 * an email Komo refuses) would hold every later change of the integration back for good. After {@code maxAttempts}
 * failures the group is given up instead: dead-lettered with the last error, so the others go on.
 *
 * <p>Counted in memory: the attempts live only as long as the process, so after a restart a poison group gets
 * {@code maxAttempts} more tries. The failed transaction cannot count them: it is rolled back.
 */
public final class GroupApplyFailures {

    /** How often a group failed, and the last error. */
    public record Failures(int attempts, String lastError) {
    }

    private final int maxAttempts;
    private final Map<String, Failures> byGroup = new ConcurrentHashMap<>();

  public   GroupApplyFailures(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public void failed(String groupId, Exception error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        byGroup.merge(groupId, new Failures(1, message), (before, now) -> new Failures(before.attempts() + 1, message));
    }

    /** The failures of a group that is not to be tried again; empty while it has attempts left. */
    public Optional<Failures> givenUp(String groupId) {
        return Optional.ofNullable(byGroup.get(groupId)).filter(f -> f.attempts() >= maxAttempts);
    }

    /** The group was applied or dead-lettered: nothing more to count. */
    public void forget(String groupId) {
        byGroup.remove(groupId);
    }
}
