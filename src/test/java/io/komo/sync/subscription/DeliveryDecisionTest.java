package io.komo.sync.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.komo.sync.errors.Classification;
import io.komo.sync.errors.RetryPolicy;

class DeliveryDecisionTest {

    private static final Instant NOW = Instant.parse("2026-11-28T03:00:00Z");
    private final RetryPolicy policy = RetryPolicy.of(4, "1s", "3s");

    @Test
    void aRetryableFailureIsDueAgainAfterAnExponentialBackoff() {
        DeliveryDecision first = DeliveryDecision.failedCall(policy, 1, Classification.retryable("HTTP 500"), "oops",
                NOW);
        assertThat(first.status()).isEqualTo(DeliveryDecision.PENDING);
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.lastError()).isEqualTo("HTTP 500: oops");
        assertThat(first.nextAttemptAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(first.finishedAt()).isNull();
        assertThat(
                DeliveryDecision.failedCall(policy, 2, Classification.retryable("timeout"), null, NOW).nextAttemptAt())
                .isEqualTo(NOW.plusSeconds(2));
        assertThat(DeliveryDecision.failedCall(policy, 3, Classification.retryable("timeout"), "", NOW).nextAttemptAt())
                .isEqualTo(NOW.plusSeconds(3));
    }

    @Test
    void aThrottledCallWaitsWhatTheReceiverAsked() {
        DeliveryDecision decision = DeliveryDecision.failedCall(policy, 1,
                Classification.throttled(Duration.ofMinutes(2), "HTTP 429"), null, NOW);
        assertThat(decision.status()).isEqualTo(DeliveryDecision.PENDING);
        assertThat(decision.nextAttemptAt()).isEqualTo(NOW.plus(Duration.ofMinutes(2)));
    }

    @Test
    void aPermanentFailureOrTheLastAttemptFailsTheDelivery() {
        DeliveryDecision rejected = DeliveryDecision.failedCall(policy, 1, Classification.permanent("HTTP 400"),
                "{\"error\":\"bad\"}", NOW);
        assertThat(rejected.status()).isEqualTo(DeliveryDecision.FAILED);
        assertThat(rejected.attempts()).isEqualTo(1);
        assertThat(rejected.lastError()).isEqualTo("HTTP 400: {\"error\":\"bad\"}");
        assertThat(rejected.nextAttemptAt()).isNull();
        assertThat(rejected.finishedAt()).isEqualTo(NOW);
        assertThat(DeliveryDecision.failedCall(policy, 1, Classification.auth("HTTP 401"), null, NOW).status())
                .isEqualTo(DeliveryDecision.FAILED);
        assertThat(DeliveryDecision.failedCall(policy, 4, Classification.retryable("HTTP 503"), null, NOW).status())
                .isEqualTo(DeliveryDecision.FAILED);
    }

    @Test
    void aSuccessIsDeliveredWithItsAttempts() {
        DeliveryDecision delivered = DeliveryDecision.delivered(2, NOW);
        assertThat(delivered.status()).isEqualTo(DeliveryDecision.DELIVERED);
        assertThat(delivered.attempts()).isEqualTo(2);
        assertThat(delivered.lastError()).isNull();
        assertThat(delivered.nextAttemptAt()).isNull();
        assertThat(delivered.finishedAt()).isEqualTo(NOW);
    }
}
