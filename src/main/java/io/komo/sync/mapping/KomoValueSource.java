package io.komo.sync.mapping;

import java.util.Map;

/** Where an outbound value comes from: one Komo field, or a value computed from several. */
interface KomoValueSource {

    /** Returned when the record does not carry the source at all, as opposed to carrying null. */
    Object ABSENT = new Object() {
        @Override
        public String toString() {
            return "ABSENT";
        }
    };

    Object read(Map<String, ?> komoRecord) throws ConversionException;
}
