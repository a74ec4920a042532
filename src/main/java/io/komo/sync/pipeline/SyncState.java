package io.komo.sync.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What an integration last agreed with its platform about one contact: the platform's id and the
 * base of the 3-way merge (the values, in the platform's field names, both sides held after the last sync).
 */
public record SyncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base,
        Instant lastSyncedAt) {
}
