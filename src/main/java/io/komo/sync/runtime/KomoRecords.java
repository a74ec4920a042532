package io.komo.sync.runtime;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contact records as the merge sees them: one flat key per field ({@code properties.vip}) rather than
 * the API's nested {@code properties} object, so that every field, standard or custom, is compared alone.
 */
public final class KomoRecords {

    private static final String PROPERTIES = "properties";

    private KomoRecords() {
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> flatten(Map<String, ?> record) {
        Map<String, Object> flat = new LinkedHashMap<>();
        record.forEach((key, value) -> {
            if (PROPERTIES.equals(key) && value instanceof Map<?, ?> properties) {
                ((Map<String, Object>) properties).forEach((name, v) -> flat.put(PROPERTIES + "." + name, v));
            } else {
                flat.put(key, value);
            }
        });
        return flat;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> nest(Map<String, ?> flat) {
        Map<String, Object> nested = new LinkedHashMap<>();
        flat.forEach((key, value) -> {
            if (key.startsWith(PROPERTIES + ".")) {
                ((Map<String, Object>) nested.computeIfAbsent(PROPERTIES, k -> new LinkedHashMap<>()))
                        .put(key.substring(PROPERTIES.length() + 1), value);
            } else {
                nested.put(key, value);
            }
        });
        return nested;
    }

    /** Each external field changed when the Komo field it is mapped from last changed. */
    public static Map<String, Instant> externalModifiedAt(CompiledIntegration integration, Map<String, ?> contact) {
        Map<String, Instant> komoTimes = modifiedAt(contact);
        Map<String, Instant> times = new HashMap<>();
        integration.definition().mappingOrEmpty().forEach(m -> {
            if (m.komo() != null && m.external() != null && komoTimes.containsKey(m.komo())) {
                times.put(m.external(), komoTimes.get(m.komo()));
            }
        });
        return times;
    }

    /** The modification time of each field of a contact as the API shows it ({@code fieldModifiedAt}). */
    public static Map<String, Instant> modifiedAt(Map<String, ?> contact) {
        Map<String, Instant> times = new HashMap<>();
        if (contact.get("fieldModifiedAt") instanceof Map<?, ?> stamps) {
            stamps.forEach((field, stamp) -> times.put(field.toString(), instant(stamp.toString())));
        }
        return times;
    }

    private static final int[] FRACTION_SCALE = {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10,
            1};

    /**
     * {@link Instant#parse} for the form Komo writes ({@code 2026-11-28T08:07:42.722188Z}, as
     * {@link Instant#toString}), read directly: every field of every contact a batch plans is stamped, and
     * {@code Instant.parse} builds a formatter on each call (13 % of a backfill's CPU in the service).
     * Any other form, and every invalid one, is left to {@code Instant.parse}, so the answer and the
     * errors are the same.
     */
    static Instant instant(String text) {
        int n = text.length();
        if (n >= 20 && n <= 30 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(n - 1) == 'Z'
                && (n == 20 || (n > 21 && text.charAt(19) == '.'))) {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int nanos = n == 20 ? 0 : digits(text, 20, n - 1);
            if (year >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0 && nanos >= 0) {
                try {
                    return LocalDateTime.of(year, month, day, hour, minute, second,
                            n == 20 ? 0 : nanos * FRACTION_SCALE[n - 22]).toInstant(ZoneOffset.UTC);
                } catch (DateTimeException outOfRange) {
                    // e.g. February 30th or a leap second: Instant.parse decides.
                }
            }
        }
        return Instant.parse(text);
    }

    /** The decimal number in [from, to), or -1 when a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
