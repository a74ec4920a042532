package io.komo.sync.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * One integration's {@code rateLimit}: a token bucket of {@code requests} per {@code window} (bursts up to
 * {@code requests}), plus an optional daily quota that resets at midnight in {@code quotaZone} (UTC by default;
 * Marketo's resets at midnight US Central).
 *
 * <p>It never sleeps: {@link #acquire()} takes a permit or says how long to wait, so a Camel route can schedule
 * the retry instead of blocking a thread.
 *
 * <p>Adapting to throttling (additive increase, multiplicative decrease, as TCP does): each throttle pauses the
 * limiter for the platform's Retry-After, empties the bucket and halves the rate, down to 1/64 of the configured
 * rate. Then every {@code requests} consecutive successes give back a tenth of the configured rate until it is
 * whole again, so from half rate it takes five windows' worth of successes to recover. The configured rate is never
 * exceeded.
 */
public final class RateLimiter {

    static final double MIN_RATE_FRACTION = 1.0 / 64;
    static final double RECOVERY_STEP = 0.1;
    /** Floating-point refill can land a hair under a whole token after waiting exactly the computed time. */
    private static final double WHOLE_TOKEN = 1 - 1e-9;

    private final int requests;
    private final Duration window;
    private final long dailyQuota;
    private final ZoneId quotaZone;
    private final Clock clock;

    private double rateFraction = 1.0;
    private int successesSinceStep;
    private double tokens;
    private Instant lastRefill;
    private Instant pausedUntil;
    private LocalDate quotaDay;
    private long usedToday;

    /** @param dailyQuota 0 for none */
    public RateLimiter(int requests, Duration window, long dailyQuota, ZoneId quotaZone, Clock clock) {
        if (requests < 1 || window.isNegative() || window.isZero() || dailyQuota < 0) {
            throw new IllegalArgumentException("rateLimit needs requests >= 1, a positive window and daily >= 0; got "
                    + requests + " per " + window + ", daily " + dailyQuota);
        }
        this.requests = requests;
        this.window = window;
        this.dailyQuota = dailyQuota;
        this.quotaZone = quotaZone;
        this.clock = clock;
        this.tokens = requests;
        this.lastRefill = clock.instant();
        this.pausedUntil = lastRefill;
        this.quotaDay = LocalDate.ofInstant(lastRefill, quotaZone);
    }

    /** The definition's {@code rateLimit: {requests, perSeconds, daily}}, quota day in UTC. */
    public static RateLimiter of(int requests, int perSeconds, long daily, Clock clock) {
        return new RateLimiter(requests, Duration.ofSeconds(perSeconds), daily, ZoneOffset.UTC, clock);
    }

    /** @return {@link Duration#ZERO} when a permit was taken; otherwise how long to wait (nothing was taken) */
    public synchronized Duration acquire() {
        Instant now = clock.instant();
        refill(now);
        if (now.isBefore(pausedUntil)) {
            return Duration.between(now, pausedUntil);
        }
        if (dailyQuota > 0 && usedToday >= dailyQuota) {
            return Duration.between(now, quotaDay.plusDays(1).atStartOfDay(quotaZone).toInstant());
        }
        if (tokens >= WHOLE_TOKEN) {
            tokens = Math.max(0, tokens - 1);
            usedToday++;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / tokensPerNano()));
    }

    /** Calls already made today elsewhere (an earlier start of the service, another replica) count too. */
    public synchronized void countUsedToday(long used) {
        refill(clock.instant());
        usedToday = Math.max(usedToday, used);
    }

    /** The daily quota; 0 or {@link Long#MAX_VALUE} when there is none. */
    public long dailyQuota() {
        return dailyQuota;
    }

    public boolean tryAcquire() {
        return acquire().isZero();
    }

    /** The platform throttled a call: wait {@code retryAfter} and slow down. */
    public synchronized void onThrottled(Duration retryAfter) {
        Instant now = clock.instant();
        refill(now);
        Instant until = now.plus(retryAfter);
        if (until.isAfter(pausedUntil)) {
            pausedUntil = until;
        }
        rateFraction = Math.max(MIN_RATE_FRACTION, rateFraction / 2);
        successesSinceStep = 0;
        tokens = 0;
        // Tokens start to refill when the pause ends, not during it.
        lastRefill = pausedUntil;
    }

    public synchronized void onSuccess() {
        if (rateFraction >= 1.0) {
            return;
        }
        if (++successesSinceStep >= requests) {
            rateFraction = Math.min(1.0, rateFraction + RECOVERY_STEP);
            successesSinceStep = 0;
        }
    }

    /** Requests per window at the moment, for metrics: the configured number unless throttling slowed it. */
    public synchronized double currentRequestsPerWindow() {
        return requests * rateFraction;
    }

    private void refill(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, quotaZone);
        if (!today.equals(quotaDay)) {
            quotaDay = today;
            usedToday = 0;
        }
        // A clock that steps back adds nothing rather than taking tokens away.
        if (now.isAfter(lastRefill)) {
            double elapsedNanos = Duration.between(lastRefill, now).toNanos();
            tokens = Math.min(capacity(), tokens + elapsedNanos * tokensPerNano());
            lastRefill = now;
        }
    }

    private double capacity() {
        return Math.max(1.0, requests * rateFraction);
    }

    private double tokensPerNano() {
        return requests * rateFraction / window.toNanos();
    }
}
