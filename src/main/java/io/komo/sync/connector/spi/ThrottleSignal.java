package io.komo.sync.connector.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * A platform's own way of saying "slow down" where it does not use a plain 429. A connector declares the signals of
 * its platform ({@link Connector#throttleSignals()}); the engine consults them before the generic HTTP rules.
 */
@FunctionalInterface
public interface ThrottleSignal {

    boolean matches(CallOutcome response);

    /** The wait the platform implies when it sends no Retry-After; empty means the engine's default. */
    default Optional<Duration> impliedWait(CallOutcome response) {
        return Optional.empty();
    }
}
