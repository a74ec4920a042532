package io.komo.sync.mapping;

/** Converts one non-null value between its Komo form and its platform form. */
interface ValueConverter {

    ValueConverter IDENTITY = new ValueConverter() {
        @Override
        public Object toExternal(Object komoValue) {
            return komoValue;
        }

        @Override
        public Object toKomo(Object externalValue) {
            return externalValue;
        }
    };

    Object toExternal(Object komoValue) throws ConversionException;

    Object toKomo(Object externalValue) throws ConversionException;

    static String describe(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }
}
