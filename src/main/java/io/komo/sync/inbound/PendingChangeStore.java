package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The {@code inbound_aggregation} table: the groups of the inbound conflict aggregator, each a {@link PendingChange}
 * as JSON. Every statement runs on the caller's transaction when there is one, so a group is written with the
 * claim of its webhooks and deleted with its application to Komo.
 */
@ApplicationScoped
public class PendingChangeStore {

    /** A stored group: the aggregated exchange's id, its correlation key, its change and why it completed, if it did. */
    public record Group(String groupId, String correlationKey, PendingChange change, String completedBy) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    /** The Camel aggregation repository of one integration's inbound aggregator, on this table. */
    public InboundAggregationRepository repository(String integrationId) {
        return new InboundAggregationRepository(integrationId, this);
    }

    /** Writes the open group of the key, creating it or replacing its change. */
    void save(String integrationId, String correlationKey, String groupId, PendingChange change) {
        update("INSERT INTO inbound_aggregation (group_id, integration_id, correlation_key, pending_change, updated_at) "
                + "VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT (integration_id, correlation_key) WHERE completed_at IS NULL "
                + "DO UPDATE SET group_id = EXCLUDED.group_id, pending_change = EXCLUDED.pending_change, "
                + "updated_at = EXCLUDED.updated_at", groupId, integrationId, correlationKey, json(change),
                Timestamp.from(Instant.now()));
    }

    Optional<Group> open(String integrationId, String correlationKey) {
        return one("SELECT group_id, correlation_key, pending_change::text, completed_by FROM inbound_aggregation "
                + "WHERE integration_id = ? AND correlation_key = ? AND completed_at IS NULL", integrationId,
                correlationKey);
    }

    Optional<Group> completed(String integrationId, String groupId) {
        return one("SELECT group_id, correlation_key, pending_change::text, completed_by FROM inbound_aggregation "
                + "WHERE integration_id = ? AND group_id = ? AND completed_at IS NOT NULL", integrationId, groupId);
    }

    /** Marks the open group completed: it takes no more changes and waits to be applied. */
    void complete(String integrationId, String groupId, String completedBy) {
        Timestamp now = Timestamp.from(Instant.now());
        update("UPDATE inbound_aggregation SET completed_at = ?, completed_by = ?, updated_at = ? WHERE integration_id = ? "
                + "AND group_id = ? AND completed_at IS NULL", now, completedBy, now, integrationId, groupId);
    }

    /**
     * Removes the group; false when it is no longer there, i.e. it was already applied. Called in the
     * transaction that applies it, the row lock makes a second applier of the same group wait and then skip it.
     */
    public boolean take(String integrationId, String groupId) {
        return update("DELETE FROM inbound_aggregation WHERE integration_id = ? AND group_id = ?", integrationId,
                groupId) > 0;
    }

    /** The correlation keys of the open groups, oldest first. */
    Set<String> openKeys(String integrationId) {
        return ids("SELECT correlation_key FROM inbound_aggregation WHERE integration_id = ? AND completed_at IS NULL "
                + "ORDER BY arrival", integrationId);
    }

    /** The ids of the completed groups not yet applied, oldest first. */
    Set<String> completedGroups(String integrationId) {
        return ids("SELECT group_id FROM inbound_aggregation WHERE integration_id = ? AND completed_at IS NOT NULL "
                + "ORDER BY arrival", integrationId);
    }

    private Optional<Group> one(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = prepare(c, sql, parameters);
                ResultSet rs = select.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(
                    new Group(rs.getString(1), rs.getString(2), mapper.readValue(rs.getString(3), PendingChange.class),
                            rs.getString(4)));
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not read the inbound aggregation repository", e);
        }
    }

    private Set<String> ids(String sql, String integrationId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = prepare(c, sql, integrationId);
                ResultSet rs = select.executeQuery()) {
            Set<String> ids = new LinkedHashSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the inbound aggregation repository", e);
        }
    }

    private int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = prepare(c, sql, parameters)) {
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write the inbound aggregation repository", e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private String json(PendingChange change) {
        try {
            return mapper.writeValueAsString(change);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A pending change could not be written as JSON", e);
        }
    }
}
