package io.komo.sync.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What an integration last agreed with its platform about one contact: the platform's id, the base of the
 * 3-way merge (the values, in the platform's field names, both sides held after the last sync), and when
 * Komo last wrote each field to the platform ({@code sentAt}, platform field names; see {@link StaleChanges}).
 * Saving a state adds its {@code sentAt} to the stored times: fields it does not name keep theirs.
 */
public record SyncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base,
        Instant lastSyncedAt, Map<String, Instant> sentAt) {

    public SyncState {
        sentAt = sentAt == null ? Map.of() : sentAt;
    }

    /** A state that records no write to the platform. */
    public SyncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base,
            Instant lastSyncedAt) {
        this(integrationId, contactId, externalId, base, lastSyncedAt, Map.of());
    }
}
