package io.komo.sync.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@code sync_state}: read for a whole batch in one query, written in one JDBC batch. */
@ApplicationScoped
public class SyncStateStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    public Map<UUID, SyncState> load(String integrationId, Collection<UUID> contactIds) {
        Map<UUID, SyncState> states = new HashMap<>();
        if (contactIds.isEmpty()) {
            return states;
        }
        // One primary-key lookup per id (LATERAL): "= ANY (?)" or a plain join over a thousand ids was
        // planned as a scan of the whole table and grew slower with it.
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(
                "SELECT s.contact_id, s.external_id, s.base_values::text, s.last_synced_at "
                        + "FROM unnest(?::uuid[]) AS wanted(id) CROSS JOIN LATERAL (SELECT * FROM sync_state "
                        + "WHERE integration_id = ? AND contact_id = wanted.id) s")) {
            read.setArray(1, c.createArrayOf("uuid", contactIds.toArray()));
            read.setString(2, integrationId);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    SyncState state = state(integrationId, rs);
                    states.put(state.contactId(), state);
                }
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the sync state of " + integrationId, e);
        }
    }

    public Optional<SyncState> findByExternalId(String integrationId, String externalId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(
                "SELECT contact_id, external_id, base_values::text, last_synced_at FROM sync_state "
                        + "WHERE integration_id = ? AND external_id = ?")) {
            read.setString(1, integrationId);
            read.setString(2, externalId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(state(integrationId, rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the sync state of " + integrationId, e);
        }
    }

    public void save(List<SyncState> states) {
        if (states.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO sync_state (integration_id, contact_id, external_id, base_values, last_synced_at) "
                        + "VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT (integration_id, contact_id) DO UPDATE SET "
                        + "external_id = coalesce(excluded.external_id, sync_state.external_id), "
                        + "base_values = excluded.base_values, last_synced_at = excluded.last_synced_at")) {
            for (SyncState state : states) {
                upsert.setString(1, state.integrationId());
                upsert.setObject(2, state.contactId());
                upsert.setString(3, state.externalId());
                upsert.setString(4, mapper.writeValueAsString(state.base()));
                upsert.setTimestamp(5, Timestamp.from(state.lastSyncedAt()));
                upsert.addBatch();
            }
            upsert.executeBatch();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not write the sync state", e);
        }
    }

    /** Forgets what an integration agreed about a contact, so the next outbound merge treats it as new. */
    public void forget(String integrationId, UUID contactId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM sync_state WHERE integration_id = ? AND contact_id = ?")) {
            delete.setString(1, integrationId);
            delete.setObject(2, contactId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not forget the sync state", e);
        }
    }

    private SyncState state(String integrationId, ResultSet rs) throws SQLException {
        try {
            Timestamp synced = rs.getTimestamp(4);
            return new SyncState(integrationId, rs.getObject(1, UUID.class), rs.getString(2),
                    mapper.readValue(rs.getString(3), MAP), synced == null ? null : synced.toInstant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored merge base is not JSON", e);
        }
    }
}
