package io.komo.sync.contact;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The standard fields of a Komo contact record, by the key they have in the record map. */
public enum ContactField {
    EMAIL("email", ValueKind.TEXT), FIRST_NAME("firstName", ValueKind.TEXT), LAST_NAME("lastName",
            ValueKind.TEXT), PHONE("phone", ValueKind.TEXT), TIER("tier", ValueKind.TEXT), POINTS("points",
                    ValueKind.WHOLE_NUMBER), LISTS("lists", ValueKind.TEXT_LIST), SUBSCRIPTION_STATUS(
                            "subscriptionStatus",
                            ValueKind.TEXT), LAST_ACTIVITY_AT("lastActivityAt", ValueKind.TIMESTAMP), CREATED_AT(
                                    "createdAt", ValueKind.TIMESTAMP), UPDATED_AT("updatedAt", ValueKind.TIMESTAMP);

    /** The record key holding the map of custom properties. */
    public static final String PROPERTIES = "properties";

    private static final Map<String, ContactField> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ContactField::key, Function.identity()));

    private final String key;
    private final ValueKind kind;

    ContactField(String key, ValueKind kind) {
        this.key = key;
        this.kind = kind;
    }

    public String key() {
        return key;
    }

    public ValueKind kind() {
        return kind;
    }

    public static Optional<ContactField> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }
}
