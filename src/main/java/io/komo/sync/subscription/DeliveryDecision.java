package io.komo.sync.subscription;

import java.time.Instant;

import io.komo.sync.errors.Classification;
import io.komo.sync.errors.RetryPolicy;

/**
 * What one call to a subscriber leaves a delivery as: {@code delivered}; {@code pending} again, due after
 * the backoff, when the failure is worth repeating (5xx, 408, 429, a timeout or refused connection) and
 * attempts remain; otherwise {@code failed} (any other 4xx, or the last attempt).
 */
public record DeliveryDecision(String status, int attempts, String lastError, Instant nextAttemptAt,
        Instant finishedAt) {

    public static final String PENDING = "pending";
    public static final String DELIVERED = "delivered";
    public static final String FAILED = "failed";

    public static DeliveryDecision delivered(int attempts, Instant now) {
        return new DeliveryDecision(DELIVERED, attempts, null, null, now);
    }

    /** After the {@code attempts}-th call failed with {@code failure}; {@code detail} says what the subscriber answered. */
    public static DeliveryDecision failedCall(RetryPolicy policy, int attempts, Classification failure, String detail,
            Instant now) {
        String error = detail == null || detail.isBlank() ? failure.reason() : failure.reason() + ": " + detail;
        if (policy.shouldRetry(attempts, failure)) {
            return new DeliveryDecision(PENDING, attempts, error, now.plus(policy.delayAfter(attempts, failure)), null);
        }
        return new DeliveryDecision(FAILED, attempts, error, null, now);
    }

    /** Given up without a call: there is nothing left to send it to, or nothing to sign it with. */
    public static DeliveryDecision abandoned(int attempts, String reason, Instant now) {
        return new DeliveryDecision(FAILED, attempts, reason, null, now);
    }
}
