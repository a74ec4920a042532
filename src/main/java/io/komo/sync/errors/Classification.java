package io.komo.sync.errors;

import java.time.Duration;
import java.util.Objects;

/**
 * Whether a failed call is worth repeating. {@code retryAfter} is set only for {@link Kind#THROTTLED}; {@code reason}
 * goes to the dead-letter record and the sync log.
 */
public record Classification(Kind kind, Duration retryAfter, String reason) {

    public enum Kind {
        /** Transient: try again after a backoff. */
        RETRYABLE,
        /** The platform asked us to slow down: wait at least {@code retryAfter}. */
        THROTTLED,
        /** Repeating the same request will fail the same way. */
        PERMANENT,
        /** The credential is missing, expired or revoked: refresh or ask a person, do not retry blindly. */
        AUTH
    }

    public Classification {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.THROTTLED) != (retryAfter != null)) {
            throw new IllegalArgumentException("retryAfter is required for THROTTLED and only for it");
        }
    }

    public static Classification retryable(String reason) {
        return new Classification(Kind.RETRYABLE, null, reason);
    }

    public static Classification throttled(Duration retryAfter, String reason) {
        return new Classification(Kind.THROTTLED, retryAfter, reason);
    }

    public static Classification permanent(String reason) {
        return new Classification(Kind.PERMANENT, null, reason);
    }

    public static Classification auth(String reason) {
        return new Classification(Kind.AUTH, null, reason);
    }

    public boolean isRetryable() {
        return kind == Kind.RETRYABLE || kind == Kind.THROTTLED;
    }
}
