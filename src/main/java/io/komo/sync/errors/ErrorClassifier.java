package io.komo.sync.errors;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ThrottleSignal;

/**
 * Decides retry-or-fail for a failed platform call (STYLE.md, Debezium's ErrorHandler): the platform's own throttle
 * signals first, then the generic HTTP rules.
 *
 * <ul>
 *   <li>429: throttled, for Retry-After (seconds or an HTTP date) or a default wait;</li>
 *   <li>503 with Retry-After: throttled (the server says when it is back); other 5xx and 408: retryable;</li>
 *   <li>401: auth; every other status: permanent (a 403 is a missing permission, a 2xx or 3xx the connector
 *       rejected will come back the same).</li>
 * </ul>
 */
public final class ErrorClassifier {

    /** Used when a platform throttles without saying for how long; no platform window in vendor-apis exceeds 20 s. */
    public static final Duration DEFAULT_THROTTLE_WAIT = Duration.ofSeconds(30);

    private final List<ThrottleSignal> platformSignals;
    private final Duration defaultThrottleWait;
    private final Clock clock;

    public ErrorClassifier(List<ThrottleSignal> platformSignals, Duration defaultThrottleWait, Clock clock) {
        this.platformSignals = List.copyOf(platformSignals);
        this.defaultThrottleWait = defaultThrottleWait;
        this.clock = clock;
    }

    /** The generic HTTP rules only, for platforms that throttle with a plain 429. */
    public static ErrorClassifier generic(Clock clock) {
        return new ErrorClassifier(List.of(), DEFAULT_THROTTLE_WAIT, clock);
    }

    public Classification classify(CallOutcome response) {
        Optional<Duration> retryAfter = retryAfter(response);
        for (ThrottleSignal signal : platformSignals) {
            if (signal.matches(response)) {
                Duration wait = retryAfter.or(() -> signal.impliedWait(response)).orElse(defaultThrottleWait);
                return Classification.throttled(wait, "platform throttled (HTTP " + response.status() + ")");
            }
        }
        int status = response.status();
        if (status == 429) {
            return Classification.throttled(retryAfter.orElse(defaultThrottleWait), "HTTP 429");
        }
        if (status == 503 && retryAfter.isPresent()) {
            return Classification.throttled(retryAfter.get(), "HTTP 503 with Retry-After");
        }
        if (status >= 500 || status == 408) {
            return Classification.retryable("HTTP " + status);
        }
        if (status == 401) {
            return Classification.auth("HTTP 401");
        }
        return Classification.permanent("HTTP " + status);
    }

    /** I/O failures and timeouts anywhere in the cause chain are transient; anything else is a bug or bad data. */
    public Classification classify(Throwable failure) {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 32; depth++, cause = cause.getCause()) {
            if (cause instanceof IOException || cause instanceof TimeoutException) {
                return Classification.retryable(cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
        }
        return Classification.permanent(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    private Optional<Duration> retryAfter(CallOutcome response) {
        return response.header("Retry-After").map(String::strip).flatMap(this::parseRetryAfter);
    }

    private Optional<Duration> parseRetryAfter(String value) {
        if (value.chars().allMatch(Character::isDigit) && !value.isEmpty() && value.length() <= 9) {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
        }
        try {
            Instant until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(clock.instant(), until);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException unreadable) {
            // An unreadable Retry-After is as good as none: fall back to the default wait.
            return Optional.empty();
        }
    }
}
