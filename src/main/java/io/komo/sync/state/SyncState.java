package io.komo.sync.state;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * What an integration last agreed with its platform about one contact: the platform's id, the base of the
 * 3-way merge (the values, in the platform's field names, both sides held after the last sync), and when
 * Komo last wrote each field to the platform ({@code sentAt}, platform field names, or {@link #EVERY_FIELD}; see
 * {@link StaleChanges}). Saving a state adds its {@code sentAt} to the stored times: fields it does not name keep theirs.
 */
public record SyncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base,
        Instant lastSyncedAt, Map<String, Instant> sentAt) {

    /**
     * The key of a write of every field of the base in one call (a new record, a backfill): one entry instead of
     * one per field, which a backfill would otherwise write for each of its contacts.
     */
    public static final String EVERY_FIELD = "*";

    public SyncState {
        sentAt = sentAt == null ? Map.of() : sentAt;
    }

    /** When Komo last wrote the field to the platform, by itself or with every field; null if never. */
    public Instant lastSentAt(String field) {
        Instant alone = sentAt.get(field);
        Instant withAll = sentAt.get(EVERY_FIELD);
        if (alone == null || withAll == null) {
            return alone == null ? withAll : alone;
        }
        return alone.isAfter(withAll) ? alone : withAll;
    }

    /** A state that records no write to the platform. */
    public SyncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base,
            Instant lastSyncedAt) {
        this(integrationId, contactId, externalId, base, lastSyncedAt, Map.of());
    }
}
