package io.komo.sync.conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.merge.FieldVersion;
import io.komo.sync.merge.ManualConflict;

/**
 * The manual review queue ({@code conflict}). One open conflict per integration, contact and field:
 * a newer disagreement on the same field replaces the values shown rather than queueing a duplicate.
 * People read and resolve it through {@code /api/conflicts} ({@link ConflictService}).
 */
@ApplicationScoped
public class ConflictQueue {

    private static final String COLUMNS = "id, integration_id, contact_id, field, base_value::text, komo_value::text, "
            + "komo_changed_at, external_value::text, external_changed_at, status, resolution::text, resolved_by, "
            + "created_at, resolved_at";

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    public void park(String integrationId, UUID contactId, ManualConflict conflict) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE conflict SET base_value = ?::jsonb, komo_value = ?::jsonb, komo_changed_at = ?, "
                            + "external_value = ?::jsonb, external_changed_at = ? "
                            + "WHERE integration_id = ? AND contact_id = ? AND field = ? AND status = 'open'")) {
                bindValues(update, conflict, 1);
                update.setString(6, integrationId);
                update.setObject(7, contactId);
                update.setString(8, conflict.field());
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO conflict (base_value, komo_value, komo_changed_at, external_value, external_changed_at, "
                            + "id, integration_id, contact_id, field, status, created_at) "
                            + "VALUES (?::jsonb, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?, ?, 'open', ?)")) {
                bindValues(insert, conflict, 1);
                insert.setObject(6, UUID.randomUUID());
                insert.setString(7, integrationId);
                insert.setObject(8, contactId);
                insert.setString(9, conflict.field());
                insert.setTimestamp(10, Timestamp.from(Instant.now()));
                insert.executeUpdate();
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not park a conflict of " + integrationId, e);
        }
    }

    /** Filters of {@code GET /api/conflicts}; null means "any". */
    public record Filter(String integrationId, String status, UUID contactId) {
    }

    public Page<ConflictView> list(Filter filter, int limit, NewestFirst after) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("integration_id", filter.integrationId());
        filters.put("status", filter.status());
        filters.put("contact_id", filter.contactId());
        try (Connection c = dataSource.getConnection()) {
            return NewestFirst.list(c, "SELECT " + COLUMNS + " FROM conflict", filters, after, limit, this::rows,
                    conflict -> new NewestFirst(conflict.createdAt(), conflict.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list conflicts", e);
        }
    }

    public Optional<ConflictView> find(UUID id) {
        return find(id, "");
    }

    /** Reads a conflict and locks it until the caller's transaction ends, so only one resolution wins. */
    public Optional<ConflictView> lock(UUID id) {
        return find(id, " FOR UPDATE");
    }

    private Optional<ConflictView> find(UUID id, String lock) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c
                        .prepareStatement("SELECT " + COLUMNS + " FROM conflict WHERE id = ?" + lock)) {
            read.setObject(1, id);
            return rows(read).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read conflict " + id, e);
        }
    }

    public void markResolved(UUID id, Object resolution, String resolvedBy) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE conflict SET status = 'resolved', resolution = ?::jsonb, resolved_by = ?, resolved_at = ? "
                                + "WHERE id = ?")) {
            update.setString(1, mapper.writeValueAsString(resolution));
            update.setString(2, resolvedBy);
            update.setTimestamp(3, Timestamp.from(Instant.now()));
            update.setObject(4, id);
            update.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not resolve conflict " + id, e);
        }
    }

    private List<ConflictView> rows(PreparedStatement read) throws SQLException {
        List<ConflictView> conflicts = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                conflicts.add(new ConflictView(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getString(4), json(rs.getString(5)), json(rs.getString(6)), instant(rs.getTimestamp(7)),
                        json(rs.getString(8)), instant(rs.getTimestamp(9)), rs.getString(10), json(rs.getString(11)),
                        rs.getString(12), instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14))));
            }
        }
        return conflicts;
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored conflict value is not JSON", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    private void bindValues(PreparedStatement statement, ManualConflict conflict, int first)
            throws SQLException, JsonProcessingException {
        statement.setString(first, mapper.writeValueAsString(conflict.base()));
        statement.setString(first + 1, mapper.writeValueAsString(conflict.komo().value()));
        statement.setTimestamp(first + 2, time(conflict.komo()));
        statement.setString(first + 3, mapper.writeValueAsString(conflict.external().value()));
        statement.setTimestamp(first + 4, time(conflict.external()));
    }

    private static Timestamp time(FieldVersion version) {
        return version == null || version.modifiedAt() == null ? null : Timestamp.from(version.modifiedAt());
    }
}
