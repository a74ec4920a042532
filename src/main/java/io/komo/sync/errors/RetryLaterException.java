package io.komo.sync.errors;

import java.time.Duration;

/**
 * A delivery failed in a way worth retrying (5xx, 429, timeout) and attempts remain: the batch is
 * rolled back and offered again after {@code retryAfter}. Nothing of it is recorded as sent.
 */
public class RetryLaterException extends RuntimeException implements ChangeFeedDeliveryException.RetryLater {

    private final Duration retryAfter;

    public RetryLaterException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
