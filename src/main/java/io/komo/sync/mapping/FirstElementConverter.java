package io.komo.sync.mapping;

import java.util.List;

/** {@code array: first}: a list sends its first element; a platform value comes back as a one-element list. */
final class FirstElementConverter implements ValueConverter {

    @Override
    public Object toExternal(Object komoValue) {
        if (komoValue instanceof List<?> list) {
            return list.isEmpty() ? null : list.get(0);
        }
        return komoValue;
    }

    @Override
    public Object toKomo(Object externalValue) {
        return externalValue instanceof List<?> ? externalValue : List.of(externalValue);
    }
}
