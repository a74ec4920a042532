package io.komo.sync.mapping;

import io.komo.sync.mapping.TransformSpec.NamePart;

/**
 * Splits a platform full name inbound: the first word is the first name, the rest the last name
 * ("Ludwig van Beethoven" → "Ludwig" / "van Beethoven"). A single word has no last name.
 */
final class NameSplitConverter implements ValueConverter {

    private final NamePart part;

    NameSplitConverter(NamePart part) {
        this.part = part;
    }

    @Override
    public Object toExternal(Object komoValue) {
        throw new UnsupportedOperationException("splitName mappings are inbound only");
    }

    @Override
    public Object toKomo(Object externalValue) {
        String[] words = String.valueOf(externalValue).trim().split("\\s+", 2);
        if (part == NamePart.FIRST) {
            return words[0].isEmpty() ? null : words[0];
        }
        return words.length < 2 ? null : words[1];
    }
}
