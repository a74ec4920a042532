package io.komo.sync.mapping;

import java.util.Map;

/** Value mapping (status codes to text): looked up outbound, reversed inbound; values are compared as text. */
final class ValueMapConverter implements ValueConverter {

    private final Map<String, Object> komoToExternal;
    private final Map<String, String> externalToKomo;

    /** @param externalToKomo the reverse map; the compiler has checked that it exists when inbound is used */
    ValueMapConverter(Map<String, Object> komoToExternal, Map<String, String> externalToKomo) {
        this.komoToExternal = komoToExternal;
        this.externalToKomo = externalToKomo;
    }

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        Object mapped = komoToExternal.get(String.valueOf(komoValue));
        if (mapped == null) {
            throw new ConversionException(ValueConverter.describe(komoValue) + " has no entry in valueMap");
        }
        return mapped;
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        String mapped = externalToKomo.get(String.valueOf(externalValue));
        if (mapped == null) {
            throw new ConversionException(ValueConverter.describe(externalValue) + " is not a value of valueMap");
        }
        return mapped;
    }
}
