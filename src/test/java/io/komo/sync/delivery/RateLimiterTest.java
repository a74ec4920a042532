package io.komo.sync.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.komo.sync.testing.MutableClock;

class RateLimiterTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

    private int drain(RateLimiter limiter) {
        int granted = 0;
        while (limiter.tryAcquire()) {
            granted++;
        }
        return granted;
    }

    @Test
    void allowsABurstOfTheConfiguredRequestsThenSaysHowLongToWait() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);

        assertThat(drain(limiter)).isEqualTo(10);
        assertThat(limiter.acquire()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void refillsAtTheConfiguredRate() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);
        drain(limiter);

        clock.advance(Duration.ofMillis(500));
        assertThat(limiter.acquire()).isEqualTo(Duration.ofMillis(500));
        clock.advance(Duration.ofMillis(500));
        assertThat(limiter.acquire()).isZero();
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofSeconds(3));
        assertThat(drain(limiter)).isEqualTo(3);
    }

    @Test
    void burstNeverExceedsTheConfiguredRequestsAfterAnIdleSpell() {
        RateLimiter limiter = RateLimiter.of(5, 1, 0, clock);
        clock.advance(Duration.ofHours(1));

        assertThat(drain(limiter)).isEqualTo(5);
    }

    @Test
    void waitingExactlyTheAnnouncedTimeIsEnough() {
        RateLimiter limiter = RateLimiter.of(190, 10, 0, clock);
        drain(limiter);
        for (int i = 0; i < 500; i++) {
            Duration wait = limiter.acquire();
            assertThat(wait).isPositive();
            clock.advance(wait);
            assertThat(limiter.acquire()).as("after waiting %s", wait).isZero();
        }
    }

    @Test
    void dailyQuotaStopsUntilUtcMidnight() {
        clock.set(Instant.parse("2026-03-01T23:00:00Z"));
        RateLimiter limiter = RateLimiter.of(100, 1, 3, clock);

        assertThat(drain(limiter)).isEqualTo(3);
        assertThat(limiter.acquire()).isEqualTo(Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(59));
        assertThat(limiter.acquire()).isEqualTo(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(drain(limiter)).isEqualTo(3);
    }

    @Test
    void callsMadeTodayBeforeAStartCountAgainstTheQuota() {
        clock.set(Instant.parse("2026-03-01T23:00:00Z"));
        RateLimiter limiter = RateLimiter.of(100, 1, 5, clock);
        limiter.countUsedToday(3);

        assertThat(drain(limiter)).isEqualTo(2);
        limiter.countUsedToday(1); // a smaller count read later takes nothing back
        assertThat(limiter.tryAcquire()).isFalse();
        clock.advance(Duration.ofHours(1));
        assertThat(drain(limiter)).isEqualTo(5);
    }

    @Test
    void dailyQuotaCanResetAtAnotherZonesMidnight() {
        // Marketo's quota resets at midnight US Central: 06:00 UTC in winter.
        clock.set(Instant.parse("2026-03-01T05:00:00Z"));
        RateLimiter limiter = new RateLimiter(100, Duration.ofSeconds(1), 2, ZoneId.of("America/Chicago"), clock);

        drain(limiter);
        assertThat(limiter.acquire()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void throttlePausesForRetryAfterThenHalvesTheRate() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);
        limiter.tryAcquire();

        limiter.onThrottled(Duration.ofSeconds(30));

        assertThat(limiter.acquire()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(5.0);
        clock.advance(Duration.ofSeconds(30));
        assertThat(limiter.acquire()).as("the bucket starts empty after a pause").isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(60));
        assertThat(drain(limiter)).as("burst shrinks with the rate").isEqualTo(5);
    }

    @Test
    void aShorterSecondThrottleDoesNotShortenThePause() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);

        limiter.onThrottled(Duration.ofSeconds(30));
        limiter.onThrottled(Duration.ofSeconds(5));

        assertThat(limiter.acquire()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(2.5);
    }

    @Test
    void rateNeverFallsBelowTheFloor() {
        RateLimiter limiter = RateLimiter.of(64, 10, 0, clock);
        for (int i = 0; i < 20; i++) {
            limiter.onThrottled(Duration.ZERO);
        }

        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(1.0);
    }

    @Test
    void rateRecoversATenthPerWindowOfSuccessesUpToTheConfiguredRate() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);
        limiter.onThrottled(Duration.ZERO);

        for (int i = 0; i < 9; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(5.0);
        limiter.onSuccess();
        assertThat(limiter.currentRequestsPerWindow()).isCloseTo(6.0, org.assertj.core.data.Offset.offset(1e-9));
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(10.0);
    }

    @Test
    void aThrottleRestartsTheRecoveryCount() {
        RateLimiter limiter = RateLimiter.of(10, 10, 0, clock);
        limiter.onThrottled(Duration.ZERO);
        for (int i = 0; i < 9; i++) {
            limiter.onSuccess();
        }

        limiter.onThrottled(Duration.ZERO);
        limiter.onSuccess();

        assertThat(limiter.currentRequestsPerWindow()).isEqualTo(2.5);
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
        RateLimiter limiter = RateLimiter.of(50, 10, 0, clock);
        AtomicInteger granted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 400; i++) {
            pool.submit(() -> {
                if (limiter.tryAcquire()) {
                    granted.incrementAndGet();
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(granted).hasValue(50);
    }

    @Test
    void rejectsImpossibleSettings() {
        assertThatThrownBy(() -> RateLimiter.of(0, 10, 0, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.of(10, 0, 0, clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RateLimiter.of(10, 10, -1, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
