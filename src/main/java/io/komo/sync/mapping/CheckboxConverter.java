package io.komo.sync.mapping;

import java.util.Locale;

/** Boolean → Checkbox: true/false out; in, also "yes"/"no", "1"/"0" and the numbers 1 and 0. */
final class CheckboxConverter implements ValueConverter {

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        return toBoolean(komoValue);
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        return toBoolean(externalValue);
    }

    private static Boolean toBoolean(Object value) throws ConversionException {
        if (value instanceof Boolean bool) {
            return bool;
        }
        String text = value instanceof Number || value instanceof String
                ? value.toString().trim().toLowerCase(Locale.ROOT)
                : "";
        return switch (text) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default ->
                throw new ConversionException(ValueConverter.describe(value) + " is not true/false, yes/no or 1/0");
        };
    }
}
