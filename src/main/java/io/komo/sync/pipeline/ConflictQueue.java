package io.komo.sync.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.pipeline.conflict.FieldVersion;
import io.komo.sync.pipeline.conflict.ManualConflict;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The manual review queue ({@code conflict}). One open conflict per integration, contact and field:
 * a newer disagreement on the same field replaces the values shown rather than queueing a duplicate.
 */
@ApplicationScoped
public class ConflictQueue {

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
