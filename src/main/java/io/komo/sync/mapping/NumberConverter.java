package io.komo.sync.mapping;

import java.math.BigDecimal;

/** Number → Numeric: whole numbers become Long, others Double; numeric text is read as a number. */
final class NumberConverter implements ValueConverter {

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        return toNumber(komoValue);
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        return toNumber(externalValue);
    }

    static Number toNumber(Object value) throws ConversionException {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        BigDecimal decimal;
        if (value instanceof Number number) {
            decimal = new BigDecimal(number.toString());
        } else if (value instanceof String text) {
            try {
                decimal = new BigDecimal(text.trim());
            } catch (NumberFormatException e) {
                throw new ConversionException(ValueConverter.describe(value) + " is not a number");
            }
        } else {
            throw new ConversionException(ValueConverter.describe(value) + " is not a number");
        }
        boolean whole = decimal.signum() == 0 || decimal.stripTrailingZeros().scale() <= 0;
        if (whole && decimal.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0) {
            return decimal.longValueExact();
        }
        return decimal.doubleValue();
    }
}
