package io.komo.sync.connector.spi;

import io.komo.sync.delivery.HttpOutcome;

import java.time.Duration;
import java.util.Optional;

/**
 * A platform's own way of saying "slow down" where it does not use a plain 429. A connector contributes the signals
 * of its platform to the {@link ErrorClassifier}; they are consulted before the generic HTTP rules.
 */
@FunctionalInterface
public interface ThrottleSignal {

    boolean matches(HttpOutcome response);

    /** The wait the platform implies when it sends no Retry-After; empty means the classifier's default. */
    default Optional<Duration> impliedWait(HttpOutcome response) {
        return Optional.empty();
    }
}
