package io.komo.sync.state;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;

import io.komo.sync.storage.ArrayColumns;
import io.komo.sync.storage.CopyRows;

/** {@code sync_state}: read and written for a whole batch at once. */
@ApplicationScoped
public class SyncStateStore {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Instant>> TIMES = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    /**
     * The states of a batch's contacts (the ids, then the integration). Only the primary key leads with the
     * integration (V12), so each id is one primary-key probe even for an integration the statistics do
     * not know yet.
     */
    static final String LOAD = "SELECT s.contact_id, s.external_id, s.base_values::text, s.last_synced_at, s.sent_at::text "
            + "FROM unnest(?::uuid[]) AS wanted(id) CROSS JOIN LATERAL (SELECT * FROM sync_state "
            + "WHERE integration_id = ? AND contact_id = wanted.id LIMIT 1) s";

    public Map<UUID, SyncState> load(String integrationId, Collection<UUID> contactIds) {
        Map<UUID, SyncState> states = new HashMap<>();
        if (contactIds.isEmpty()) {
            return states;
        }
        // One primary-key lookup per id. The LIMIT keeps the subquery from being flattened into a join, which
        // was planned from statistics a backfill outdates within seconds (taken while the integration had no
        // state) as a hash of all the integration's states. Planned afresh on every call (no server-side
        // prepared plan): a plan cached while the table was nearly empty scans it whole for each id.
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(LOAD)) {
            read.unwrap(PGStatement.class).setPrepareThreshold(0);
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
        return Optional.ofNullable(findByExternalIds(integrationId, List.of(externalId)).get(externalId));
    }

    /** The states of the records with these external ids, by external id, in one statement. */
    public Map<String, SyncState> findByExternalIds(String integrationId, Collection<String> externalIds) {
        Map<String, SyncState> states = new HashMap<>();
        if (externalIds.isEmpty()) {
            return states;
        }
        // One index probe per id whatever the statistics say, as in LOAD: an inbound import outdates them within
        // seconds, and a plan made from them would scan all the integration's states for every batch.
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT s.contact_id, s.external_id, s.base_values::text, s.last_synced_at, s.sent_at::text "
                                + "FROM unnest(?::text[]) AS wanted(id) CROSS JOIN LATERAL (SELECT * FROM sync_state "
                                + "WHERE external_id = wanted.id AND integration_id = ? LIMIT 1) s")) {
            read.unwrap(PGStatement.class).setPrepareThreshold(0);
            read.setArray(1, c.createArrayOf("text", externalIds.toArray()));
            read.setString(2, integrationId);
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    SyncState state = state(integrationId, rs);
                    states.put(state.externalId(), state);
                }
            }
            return states;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the sync state of " + integrationId, e);
        }
    }

    /**
     * Upserts the states in one statement over arrays: six array parameters instead of a JDBC batch of
     * a thousand rows' parameters took a third off a backfill batch's state write. A contact named twice
     * keeps its last state, as a batch of single-row upserts would (one statement may not touch a row twice).
     * The stored write times are added to, not replaced: a write of one field leaves the others' times.
     * <p>
     * The batch's integrations are locked once (FOR KEY SHARE, as a foreign key's check would lock them for
     * every row, V13): a state is written only for an integration still stored, and deleting one waits for
     * this transaction, then deletes its states with the others.
     */
    public void save(List<SyncState> states) {
        save(states, Set.of());
    }

    /**
     * Like {@link #save(List)}, for a batch in which the contacts of {@code unstored} had no state when it was
     * planned (a backfill's first sync, new contacts). Within a transaction their states are appended by COPY,
     * which costs a third less than the upsert: it does not first look for each row's key. Should one have
     * been stored since (a batch of the change feed for the same contact), the COPY is undone to its savepoint
     * and every state goes through the upsert.
     */
    public void save(List<SyncState> states, Set<UUID> unstored) {
        if (states.isEmpty()) {
            return;
        }
        Map<StateKey, SyncState> latest = new LinkedHashMap<>();
        states.forEach(state -> latest.put(new StateKey(state.integrationId(), state.contactId()), state));
        List<SyncState> firsts = latest.values().stream().filter(state -> unstored.contains(state.contactId()))
                .toList();
        try (Connection c = dataSource.getConnection()) {
            boolean appended = !firsts.isEmpty() && !c.getAutoCommit() && append(c, firsts);
            upsert(c,
                    appended
                            ? latest.values().stream().filter(state -> !unstored.contains(state.contactId())).toList()
                            : List.copyOf(latest.values()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write the sync state", e);
        }
    }

    private void upsert(Connection c, List<SyncState> states) throws SQLException {
        if (states.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = c.prepareStatement(
                "INSERT INTO sync_state (integration_id, contact_id, external_id, base_values, last_synced_at, sent_at) "
                        + "SELECT i, id, e, b::json, t::timestamptz, w::jsonb "
                        + "FROM unnest(?::varchar[], ?::uuid[], ?::varchar[], ?::text[], ?::text[], ?::text[]) "
                        + "AS s(i, id, e, b, t, w) "
                        + "JOIN (SELECT id AS stored_id FROM integration WHERE id = ANY(?::varchar[]) FOR KEY SHARE) AS stored "
                        + "ON stored_id = s.i "
                        + "ON CONFLICT (integration_id, contact_id) DO UPDATE SET "
                        + "external_id = coalesce(excluded.external_id, sync_state.external_id), "
                        + "base_values = excluded.base_values, last_synced_at = excluded.last_synced_at, "
                        + "sent_at = sync_state.sent_at || excluded.sent_at")) {
            int next = STATE_COLUMNS.bind(c, upsert, states.stream().map(this::row).toList());
            upsert.setArray(next, c.createArrayOf("varchar", integrationIds(states)));
            upsert.executeUpdate();
        }
    }

    /**
     * COPYs the states of the integrations still stored (locked as {@link #upsert} locks them) inside a
     * savepoint; false, and nothing written, when one of them was stored meanwhile.
     */
    private boolean append(Connection c, List<SyncState> firsts) throws SQLException {
        Set<String> stored = new HashSet<>();
        try (PreparedStatement lock = c
                .prepareStatement("SELECT id FROM integration WHERE id = ANY(?::varchar[]) FOR KEY SHARE")) {
            lock.setArray(1, c.createArrayOf("varchar", integrationIds(firsts)));
            try (ResultSet rs = lock.executeQuery()) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
        }
        CopyRows rows = new CopyRows();
        for (SyncState state : firsts) {
            if (stored.contains(state.integrationId())) {
                StateRow row = row(state);
                rows.value(state.integrationId()).value(state.contactId()).value(state.externalId()).value(row.base())
                        .value(state.lastSyncedAt()).value(row.sentAt()).endRow();
            }
        }
        try (Statement savepoint = c.createStatement()) {
            savepoint.execute("SAVEPOINT first_states");
            try {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn(APPEND, new StringReader(rows.toString()));
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                savepoint.execute("ROLLBACK TO SAVEPOINT first_states");
                return false;
            } catch (IOException e) {
                throw new SQLException("Could not stream the sync states", e);
            }
            savepoint.execute("RELEASE SAVEPOINT first_states");
            return true;
        }
    }

    private static final String APPEND = "COPY sync_state (integration_id, contact_id, external_id, base_values, "
            + "last_synced_at, sent_at) FROM STDIN";
    private static final String UNIQUE_VIOLATION = "23505";

    private StateRow row(SyncState state) {
        return new StateRow(state, json(state.base()), state.sentAt().isEmpty() ? "{}" : json(state.sentAt()));
    }

    private static Object[] integrationIds(List<SyncState> states) {
        return states.stream().map(SyncState::integrationId).distinct().toArray();
    }

    private record StateKey(String integrationId, UUID contactId) {
    }

    /** A state as {@link #save} writes it: its maps already JSON. */
    private record StateRow(SyncState state, String base, String sentAt) {
    }

    private static final ArrayColumns<StateRow> STATE_COLUMNS = new ArrayColumns<StateRow>()
            .column("varchar", String.class, row -> row.state().integrationId())
            .column("uuid", UUID.class, row -> row.state().contactId())
            .column("varchar", String.class, row -> row.state().externalId())
            .column("text", String.class, StateRow::base)
            .column("text", String.class, row -> row.state().lastSyncedAt().toString())
            .column("text", String.class, StateRow::sentAt);

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A merge base could not be written as JSON", e);
        }
    }

    /** Forgets what an integration agreed about a contact, so the next outbound merge treats it as new. */
    public void forget(String integrationId, UUID contactId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement(
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
                    mapper.readValue(rs.getString(3), MAP), synced == null ? null : synced.toInstant(),
                    mapper.readValue(rs.getString(5), TIMES));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored merge base is not JSON", e);
        }
    }
}
