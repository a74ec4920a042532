package io.komo.sync.merge;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Value comparison that survives a round trip through a platform, so the runtime recognises its own writes.
 *
 * <ul>
 *   <li>All blanks are one value: null, a missing field, "", whitespace-only text and an empty collection or map.
 *       Platforms answer a cleared field with whichever of these they like; telling them apart would echo.</li>
 *   <li>Numbers compare numerically across types: 5 (Integer) = 5L = 5.0 = BigDecimal("5.00"). JSON decoders
 *       choose the Java type by magnitude, so the type carries no meaning. Each number counts as the decimal it
 *       prints as, so 0.1f equals 0.1: a float widened to double on the way back is still the value we wrote.</li>
 *   <li>Text compares exactly, and text never equals a number ("5" differs from 5). Typing values is the job of
 *       mapping and transforms, which run before the merge; guessing here would hide a missing transform.</li>
 *   <li>Lists compare element by element in order (order is data: a platform that reorders reports a change).
 *       Maps compare key by key. Both use these same rules for their elements.</li>
 *   <li>Anything else uses {@code equals}.</li>
 * </ul>
 */
public final class FieldValues {

    private FieldValues() {
    }

    public static boolean isBlank(Object value) {
        if (value == null) {
            return true;
        }
        if (value instanceof CharSequence text) {
            return text.toString().isBlank();
        }
        if (value instanceof Collection<?> collection) {
            return collection.isEmpty();
        }
        return value instanceof Map<?, ?> map && map.isEmpty();
    }

    public static boolean same(Object a, Object b) {
        if (isBlank(a) || isBlank(b)) {
            return isBlank(a) && isBlank(b);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return sameNumber(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            return sameList(x, y);
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            return sameMap(x, y);
        }
        return Objects.equals(a, b);
    }

    private static boolean sameNumber(Number x, Number y) {
        if (isNonFinite(x) || isNonFinite(y)) {
            return x.doubleValue() == y.doubleValue();
        }
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
    }

    private static boolean isNonFinite(Number n) {
        return (n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue());
    }

    private static boolean sameList(List<?> x, List<?> y) {
        if (x.size() != y.size()) {
            return false;
        }
        Iterator<?> left = x.iterator();
        Iterator<?> right = y.iterator();
        while (left.hasNext()) {
            if (!same(left.next(), right.next())) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameMap(Map<?, ?> x, Map<?, ?> y) {
        // Blank entries count as absent, for the same reason blank fields do.
        for (var entry : x.entrySet()) {
            if (!same(entry.getValue(), y.get(entry.getKey()))) {
                return false;
            }
        }
        for (var entry : y.entrySet()) {
            if (!same(entry.getValue(), x.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
