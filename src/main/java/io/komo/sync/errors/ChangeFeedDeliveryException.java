package io.komo.sync.errors;

import java.time.Duration;

/**
 * A consumer failed on a batch; the batch is rolled back and offered again after a backoff. A cause
 * that knows how long to wait (a throttled platform's Retry-After) sets that backoff.
 */
public class ChangeFeedDeliveryException extends RuntimeException {

    private final Duration retryAfter;

    public ChangeFeedDeliveryException(String consumer, long seq, Throwable cause) {
        super("Consumer " + consumer + " failed on the batch starting at change event " + seq, cause);
        this.retryAfter = retryAfterIn(cause);
    }

    private static Duration retryAfterIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryLater later) {
                return later.retryAfter();
            }
        }
        return null;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Implemented by consumer failures that say when to try again. */
    public interface RetryLater {
        Duration retryAfter();
    }
}
