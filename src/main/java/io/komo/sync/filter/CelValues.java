package io.komo.sync.filter;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Brings record values to the Java types CEL evaluates (Long, Double, Instant, ...). Records built by Jackson
 * or by hand carry Integers and BigDecimals, which CEL would reject with "no matching overload".
 */
final class CelValues {

    private CelValues() {
    }

    static Object canonical(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return ((Number) value).longValue();
        }
        if (value instanceof Float || value instanceof BigDecimal) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof OffsetDateTime offsetDateTime) {
            return offsetDateTime.toInstant();
        }
        if (value instanceof ZonedDateTime zonedDateTime) {
            return zonedDateTime.toInstant();
        }
        if (value instanceof List<?> list) {
            return canonicalList(list);
        }
        if (value instanceof Map<?, ?> map) {
            return canonicalMap(map);
        }
        return value;
    }

    private static List<?> canonicalList(List<?> list) {
        List<Object> copy = null;
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            Object canonical = canonical(element);
            if (canonical != element && copy == null) {
                copy = new ArrayList<>(list.subList(0, i));
            }
            if (copy != null) {
                copy.add(canonical);
            }
        }
        return copy == null ? list : copy;
    }

    // Null entries are dropped so that a null property behaves exactly like an absent one.
    private static Map<?, ?> canonicalMap(Map<?, ?> map) {
        boolean unchanged = true;
        for (Object value : map.values()) {
            if (value == null || canonical(value) != value) {
                unchanged = false;
                break;
            }
        }
        if (unchanged) {
            return map;
        }
        Map<Object, Object> copy = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value != null) {
                copy.put(key, canonical(value));
            }
        });
        return copy;
    }
}
