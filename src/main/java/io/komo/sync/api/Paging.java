package io.komo.sync.api;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** Parses the query parameters every list and lookup shares, answering bad ones with a 400 naming them. */
public final class Paging {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 1000;

    private Paging() {
    }

    /** A free-text filter: blank means "any" (null). */
    public static String textParam(String raw) {
        return raw == null || raw.isBlank() ? null : raw;
    }

    public static int limit(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    public static UUID uuidParam(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(name, "is not a valid id");
        }
    }

    public static Long longParam(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, "is not a valid cursor");
        }
    }

    public static Instant instantParam(String name, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(raw.trim());
        } catch (DateTimeParseException e) {
            throw ProblemException.invalid(name, "must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00Z");
        }
    }

    /** A path id: an id that cannot exist is a missing resource, not a bad request. */
    public static UUID pathId(String what, String raw) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("No " + what + " with id " + raw);
        }
    }
}
