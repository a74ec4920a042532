package io.komo.sync.mapping;

import java.util.Map;

import io.komo.sync.contact.ContactPath;

/**
 * One checked field mapping, ready to run in either of the directions it allows.
 *
 * <p>A source the record does not carry is left alone: a partial change must not overwrite the other side.
 * A source carried as null or blank text is written as the default, or as null to clear the other side.
 */
final class MappingRule {

    final String external;
    final ContactPath komo;
    final boolean outbound;
    final boolean inbound;
    private final KomoValueSource source;
    private final ValueConverter converter;
    private final Object defaultValue;

    /**
     * @param komo         null for a computed value that is only sent
     * @param defaultValue a Komo value already coerced to the field's type, or null
     */
    MappingRule(String external, ContactPath komo, Direction direction, KomoValueSource source,
            ValueConverter converter, Object defaultValue) {
        this.external = external;
        this.komo = komo;
        this.outbound = direction.isOutbound();
        this.inbound = direction.isInbound();
        this.source = source;
        this.converter = converter;
        this.defaultValue = defaultValue;
    }

    void writeExternal(Map<String, ?> komoRecord, Map<String, Object> externalRecord) throws ConversionException {
        Object value = source.read(komoRecord);
        if (value == KomoValueSource.ABSENT) {
            return;
        }
        Object komoValue = isEmpty(value) ? defaultValue : value;
        externalRecord.put(external, komoValue == null ? null : converter.toExternal(komoValue));
    }

    void writeKomo(Map<String, ?> externalRecord, Map<String, Object> komoRecord) throws ConversionException {
        if (!externalRecord.containsKey(external)) {
            return;
        }
        Object raw = externalRecord.get(external);
        Object value = isEmpty(raw) ? null : converter.toKomo(raw);
        if (value == null) {
            value = defaultValue;
        }
        komo.put(komoRecord, value == null ? null : KomoValueCoercion.coerce(value, komo.kind()));
    }

    private static boolean isEmpty(Object value) {
        return value == null || (value instanceof String text && text.isBlank());
    }
}
