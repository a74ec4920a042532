package io.komo.sync.contact;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a value lives in a Komo contact record: a standard field ({@code email}) or a custom property
 * ({@code properties.vip}). Custom properties sit in a nested map under the {@code properties} key, the
 * same shape as the contact JSON of the API, so expressions can say {@code properties.vip}.
 */
public final class ContactPath {

    private static final Pattern PROPERTY_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String PROPERTY_PREFIX = ContactField.PROPERTIES + ".";

    private final String path;
    private final String propertyKey;
    private final ValueKind kind;

    private ContactPath(String path, String propertyKey, ValueKind kind) {
        this.path = path;
        this.propertyKey = propertyKey;
        this.kind = kind;
    }

    /** The path, or empty when it names neither a standard field nor a well-formed custom property. */
    public static Optional<ContactPath> parse(String path) {
        if (path == null) {
            return Optional.empty();
        }
        if (path.startsWith(PROPERTY_PREFIX)) {
            String key = path.substring(PROPERTY_PREFIX.length());
            return PROPERTY_KEY.matcher(key).matches()
                    ? Optional.of(new ContactPath(path, key, ValueKind.ANY))
                    : Optional.empty();
        }
        return ContactField.byKey(path).map(field -> new ContactPath(path, null, field.kind()));
    }

    public ValueKind kind() {
        return kind;
    }

    public boolean isPresentIn(Map<String, ?> record) {
        Map<String, ?> container = container(record);
        return container != null && container.containsKey(leafKey());
    }

    /** The value, or null when absent or null. */
    public Object get(Map<String, ?> record) {
        Map<String, ?> container = container(record);
        return container == null ? null : container.get(leafKey());
    }

    @SuppressWarnings("unchecked")
    public void put(Map<String, Object> record, Object value) {
        if (propertyKey == null) {
            record.put(path, value);
            return;
        }
        Object properties = record.computeIfAbsent(ContactField.PROPERTIES, k -> new LinkedHashMap<String, Object>());
        ((Map<String, Object>) properties).put(propertyKey, value);
    }

    @SuppressWarnings("unchecked")
    private Map<String, ?> container(Map<String, ?> record) {
        if (propertyKey == null) {
            return record;
        }
        Object properties = record.get(ContactField.PROPERTIES);
        return properties instanceof Map ? (Map<String, ?>) properties : null;
    }

    private String leafKey() {
        return propertyKey == null ? path : propertyKey;
    }

    @Override
    public String toString() {
        return path;
    }
}
