package io.komo.sync.errors;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a change-feed consumer stands after batches that failed: how many attempts its current batch has had and
 * until when it waits before the next. A failed batch is rolled back and offered again by the feed (its cursor or
 * offsets did not move), so the waiting happens here, at the feed, not inside an open transaction.
 *
 * <p>The wait is what the failure asked for ({@link ChangeFeedDeliveryException#retryAfter()}: the retry policy's
 * delay, or a platform's Retry-After), else doubles from 100 ms up to a minute. Kept in memory: after a restart a
 * batch starts again at attempt 1, and the retry policy, which dead-letters after its last attempt, counts anew.
 */
public final class Backoffs {

    private static final Duration LONGEST_DEFAULT_WAIT = Duration.ofMinutes(1);

    /** The failed attempts of a consumer's current batch, and when it may be tried again. */
    public record Backoff(int attempts, Instant until) {
    }

    private final Map<String, Backoff> byConsumer = new ConcurrentHashMap<>();
    private final Clock clock;

    public Backoffs(Clock clock) {
        this.clock = clock;
    }

    /** The time left before the consumer's batch may be tried again; zero when it need not wait. */
    public Duration waitLeft(String consumer) {
        Backoff backoff = byConsumer.get(consumer);
        if (backoff == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), backoff.until());
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Whether the consumer's batch must not be tried yet. */
    public boolean isWaiting(String consumer) {
        return !waitLeft(consumer).isZero();
    }

    /** The attempt number the consumer's next delivery of its batch has: 1, then 2, 3, ... while it keeps failing. */
    public int nextAttempt(String consumer) {
        Backoff backoff = byConsumer.get(consumer);
        return backoff == null ? 1 : backoff.attempts() + 1;
    }

    /** Records a failed attempt; the wait before the next. */
    public Duration failed(String consumer, ChangeFeedDeliveryException failure) {
        int attempts = nextAttempt(consumer);
        Duration delay = failure.retryAfter() != null
                ? failure.retryAfter()
                : Duration.ofMillis(Math.min(LONGEST_DEFAULT_WAIT.toMillis(), 100L << Math.min(attempts, 10)));
        byConsumer.put(consumer, new Backoff(attempts, clock.instant().plus(delay)));
        return delay;
    }

    /** The batch went through, or the consumer is gone: its next batch starts afresh. */
    public void clear(String consumer) {
        byConsumer.remove(consumer);
    }
}
