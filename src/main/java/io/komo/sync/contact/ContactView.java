package io.komo.sync.contact;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A contact as the API shows it (API.md § Komo side). */
public record ContactView(UUID id, String email, String firstName, String lastName, String phone, String tier,
        long points, List<String> lists, String subscriptionStatus, Instant lastActivityAt,
        Map<String, Object> properties, Map<String, String> fieldModifiedAt, Instant createdAt, Instant updatedAt) {

    public static ContactView of(Contact c) {
        return new ContactView(c.id, c.email, c.firstName, c.lastName, c.phone, c.tier, c.points, List.copyOf(c.lists),
                c.subscriptionStatus, c.lastActivityAt, Map.copyOf(c.properties), Map.copyOf(c.fieldModifiedAt),
                c.createdAt, c.updatedAt);
    }
}
