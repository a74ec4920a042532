package io.komo.sync.dedup;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The integration's {@code dedup.key}: what an inbound record not linked to a Komo contact yet is matched on. Email
 * (normalised) is the default because Komo keeps it unique; phone is compared in E.164; {@code external-id} trusts
 * only the platform's id, so a record whose id is unknown is a new contact.
 */
public enum DedupKey {
    EMAIL("email"), PHONE("phone"), EXTERNAL_ID("external-id");

    private final String wireName;

    DedupKey(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static DedupKey fromWireName(String name) {
        return Arrays.stream(values())
                .filter(key -> key.wireName.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown dedup key '" + name + "'; allowed: "
                        + Arrays.stream(values()).map(DedupKey::wireName).collect(Collectors.joining(", "))));
    }
}
