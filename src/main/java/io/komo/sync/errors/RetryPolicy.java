package io.komo.sync.errors;

import java.time.Duration;
import java.util.function.DoubleSupplier;

import io.komo.sync.definition.DurationParser;

/**
 * The integration's {@code retry} section: exponential backoff (multiplier 2) from {@code initialDelay}, capped at
 * {@code maxDelay}, for at most {@code maxAttempts} calls in all. Attempts are counted from 1: {@code attemptsMade}
 * is how many calls have already failed.
 *
 * <p>Jitter, when set, shortens each delay by a random fraction up to {@code jitter} so that many contacts failing
 * together do not retry together; shortening (never lengthening) keeps the cap a cap. The random source is injected
 * so a test can fix it.
 */
public final class RetryPolicy {

    static final double MULTIPLIER = 2.0;

    private final int maxAttempts;
    private final Duration initialDelay;
    private final Duration maxDelay;
    private final double jitter;
    private final DoubleSupplier random;

    public RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay, double jitter,
            DoubleSupplier random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("retry.initialDelay must be positive, was " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException(
                    "retry.maxDelay (" + maxDelay + ") must not be shorter than retry.initialDelay (" + initialDelay
                            + ")");
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
        this.maxAttempts = maxAttempts;
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.jitter = jitter;
        this.random = random;
    }

    /** From the definition's strings, e.g. {@code of(8, "1s", "10m")}; no jitter. */
    public static RetryPolicy of(int maxAttempts, String initialDelay, String maxDelay) {
        return new RetryPolicy(maxAttempts, DurationParser.parse(initialDelay), DurationParser.parse(maxDelay), 0,
                () -> 0);
    }

    public RetryPolicy withJitter(double fraction, DoubleSupplier random) {
        return new RetryPolicy(maxAttempts, initialDelay, maxDelay, fraction, random);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Permanent and auth failures never retry: the same request would fail the same way. */
    public boolean shouldRetry(int attemptsMade, Classification classification) {
        return classification.isRetryable() && attemptsMade < maxAttempts;
    }

    /** The backoff after {@code attemptsMade} failed calls: initialDelay, 2x, 4x, ... up to maxDelay. */
    public Duration nextDelay(int attemptsMade) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade starts at 1, was " + attemptsMade);
        }
        // Doubles, not Durations: 2^attempts overflows a long long before maxAttempts is unreasonable.
        double uncapped = initialDelay.toMillis() * Math.pow(MULTIPLIER, attemptsMade - 1);
        double capped = Math.min(uncapped, maxDelay.toMillis());
        return Duration.ofMillis(Math.round(capped * (1 - jitter * random.getAsDouble())));
    }

    /**
     * The wait before the next call. A throttled call waits at least what the platform asked, even past maxDelay:
     * calling earlier would only be throttled again.
     */
    public Duration delayAfter(int attemptsMade, Classification classification) {
        Duration backoff = nextDelay(attemptsMade);
        if (classification.kind() == Classification.Kind.THROTTLED
                && classification.retryAfter().compareTo(backoff) > 0) {
            return classification.retryAfter();
        }
        return backoff;
    }
}
