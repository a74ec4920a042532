package io.komo.sync.pipeline;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.komo.sync.integration.CompiledIntegration;

/**
 * Contact records as the merge sees them: one flat key per field ({@code properties.vip}) rather than
 * the API's nested {@code properties} object, so that every field, standard or custom, is compared alone.
 */
final class KomoRecords {

    private static final String PROPERTIES = "properties";

    private KomoRecords() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> flatten(Map<String, ?> record) {
        Map<String, Object> flat = new LinkedHashMap<>();
        record.forEach((key, value) -> {
            if (PROPERTIES.equals(key) && value instanceof Map<?, ?> properties) {
                ((Map<String, Object>) properties).forEach((name, v) -> flat.put(PROPERTIES + "." + name, v));
            } else {
                flat.put(key, value);
            }
        });
        return flat;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> nest(Map<String, ?> flat) {
        Map<String, Object> nested = new LinkedHashMap<>();
        flat.forEach((key, value) -> {
            if (key.startsWith(PROPERTIES + ".")) {
                ((Map<String, Object>) nested.computeIfAbsent(PROPERTIES, k -> new LinkedHashMap<>()))
                        .put(key.substring(PROPERTIES.length() + 1), value);
            } else {
                nested.put(key, value);
            }
        });
        return nested;
    }

    /** Each external field changed when the Komo field it is mapped from last changed. */
    static Map<String, Instant> externalModifiedAt(CompiledIntegration integration, Map<String, ?> contact) {
        Map<String, Instant> komoTimes = modifiedAt(contact);
        Map<String, Instant> times = new HashMap<>();
        integration.definition().mappingOrEmpty().forEach(m -> {
            if (m.komo() != null && m.external() != null && komoTimes.containsKey(m.komo())) {
                times.put(m.external(), komoTimes.get(m.komo()));
            }
        });
        return times;
    }

    /** The modification time of each field of a contact as the API shows it ({@code fieldModifiedAt}). */
    static Map<String, Instant> modifiedAt(Map<String, ?> contact) {
        Map<String, Instant> times = new HashMap<>();
        if (contact.get("fieldModifiedAt") instanceof Map<?, ?> stamps) {
            stamps.forEach((field, stamp) -> times.put(field.toString(), Instant.parse(stamp.toString())));
        }
        return times;
    }
}
