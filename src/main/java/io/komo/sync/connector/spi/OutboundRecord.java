package io.komo.sync.connector.spi;

import java.util.Map;
import java.util.UUID;

/**
 * One contact on its way out: already filtered and mapped into the platform's field names.
 *
 * @param externalId the platform's id when an earlier sync learned it, else null
 * @param key        the value of the connector's key field (usually the email)
 */
public record OutboundRecord(UUID contactId, String externalId, String key, Map<String, Object> fields) {
}
