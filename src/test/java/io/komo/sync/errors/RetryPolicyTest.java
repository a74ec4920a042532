package io.komo.sync.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.of(8, "1s", "10s");

    @Test
    void delaysDoubleFromTheInitialDelayUpToTheCap() {
        assertThat(policy.nextDelay(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.nextDelay(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.nextDelay(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(policy.nextDelay(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.nextDelay(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.nextDelay(7)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void capHoldsForHugeAttemptNumbers() {
        assertThat(RetryPolicy.of(8, "1s", "10m").nextDelay(5000)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void jitterShortensByTheInjectedFractionButNeverLengthens() {
        RetryPolicy jittered = policy.withJitter(0.5, () -> 0.5);

        assertThat(jittered.nextDelay(2)).isEqualTo(Duration.ofMillis(1500));
        assertThat(jittered.nextDelay(6)).isEqualTo(Duration.ofMillis(7500));
        assertThat(policy.withJitter(1.0, () -> 0.0).nextDelay(6)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void retryableAndThrottledRetryUntilAttemptsRunOut() {
        Classification retryable = Classification.retryable("HTTP 503");
        Classification throttled = Classification.throttled(Duration.ofSeconds(1), "HTTP 429");

        assertThat(policy.shouldRetry(1, retryable)).isTrue();
        assertThat(policy.shouldRetry(7, throttled)).isTrue();
        assertThat(policy.shouldRetry(8, retryable)).isFalse();
        assertThat(policy.shouldRetry(8, throttled)).isFalse();
    }

    @Test
    void permanentAndAuthNeverRetry() {
        assertThat(policy.shouldRetry(1, Classification.permanent("HTTP 400"))).isFalse();
        assertThat(policy.shouldRetry(1, Classification.auth("HTTP 401"))).isFalse();
    }

    @Test
    void throttledWaitsTheLongerOfRetryAfterAndBackoff() {
        assertThat(policy.delayAfter(4, Classification.throttled(Duration.ofSeconds(3), "HTTP 429")))
                .isEqualTo(Duration.ofSeconds(8));
        assertThat(policy.delayAfter(1, Classification.throttled(Duration.ofSeconds(3), "HTTP 429")))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.delayAfter(1, Classification.throttled(Duration.ofMinutes(5), "HTTP 429")))
                .as("the platform's wait is honoured past maxDelay")
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.delayAfter(2, Classification.retryable("HTTP 502"))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThatThrownBy(() -> RetryPolicy.of(0, "1s", "10s")).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryPolicy.of(3, "0s", "10s")).hasMessageContaining("initialDelay must be positive");
        assertThatThrownBy(() -> RetryPolicy.of(3, "1m", "10s"))
                .hasMessageContaining("maxDelay (PT10S) must not be shorter than retry.initialDelay (PT1M)");
        assertThatThrownBy(() -> RetryPolicy.of(3, "1 second", "10s")).hasMessageContaining("invalid duration");
        assertThatThrownBy(() -> policy.withJitter(1.5, () -> 0)).hasMessageContaining("jitter");
        assertThatThrownBy(() -> policy.nextDelay(0)).hasMessageContaining("attemptsMade starts at 1");
    }
}
