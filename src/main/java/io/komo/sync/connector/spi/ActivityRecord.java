package io.komo.sync.connector.spi;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A Komo event about one contact ({@code points.awarded}, {@code tier.changed}, {@code form.submitted},
 * {@code competition.entered}), for the platform to keep as an activity on the contact's record.
 *
 * @param externalId the platform's id of the contact when a sync learned it, else null
 * @param key        the value of the connector's key field (usually the email), to find the record by otherwise
 * @param data       the event's own data as Komo recorded it (e.g. {@code {"points": 50}})
 */
public record ActivityRecord(UUID eventId, String type, UUID contactId, String externalId, String key,
        Instant occurredAt, Map<String, Object> data) {
}
