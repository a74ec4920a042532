package io.komo.sync.mapping;

/** String → Text: any value as its text. */
final class TextConverter implements ValueConverter {

    @Override
    public Object toExternal(Object komoValue) {
        return String.valueOf(komoValue);
    }

    @Override
    public Object toKomo(Object externalValue) {
        return String.valueOf(externalValue);
    }
}
