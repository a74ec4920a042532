package io.komo.sync.mapping;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.komo.sync.contact.ValueKind;

/** Gives an inbound value the Java type its Komo field holds, so a record always has points as Long, etc. */
final class KomoValueCoercion {

    private KomoValueCoercion() {
    }

    static Object coerce(Object value, ValueKind kind) throws ConversionException {
        return switch (kind) {
            case TEXT -> text(value);
            case WHOLE_NUMBER -> wholeNumber(value);
            case TIMESTAMP -> IsoDateTimeConverter.toInstant(value);
            case TEXT_LIST -> textList(value);
            case ANY -> value;
        };
    }

    private static String text(Object value) throws ConversionException {
        if (value instanceof String || value instanceof Number || value instanceof Boolean
                || value instanceof Instant) {
            return value.toString();
        }
        throw new ConversionException(ValueConverter.describe(value) + " is not text");
    }

    private static Long wholeNumber(Object value) throws ConversionException {
        Number number = NumberConverter.toNumber(value);
        if (number instanceof Long whole) {
            return whole;
        }
        throw new ConversionException(ValueConverter.describe(value) + " is not a whole number");
    }

    private static List<String> textList(Object value) throws ConversionException {
        if (!(value instanceof List<?> list)) {
            return List.of(text(value));
        }
        List<String> texts = new ArrayList<>(list.size());
        for (Object element : list) {
            texts.add(text(element));
        }
        return texts;
    }
}
