package io.komo.sync.connector.spi;

import java.time.Instant;
import java.util.Map;

/**
 * A change of one record on the platform, in the platform's field names.
 *
 * @param changedAt when the platform changed it (for newest-wins decisions); null if it does not say
 * @param deleted   the platform deleted (or archived) the record
 */
public record InboundRecord(String externalId, Map<String, Object> fields, Instant changedAt, boolean deleted) {
}
