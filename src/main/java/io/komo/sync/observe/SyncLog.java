package io.komo.sync.observe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonUnwrapped;

import io.komo.sync.api.Page;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

/**
 * The sync logs (table {@code sync_log}). Rows are written in the caller's transaction, so a log row
 * exists exactly when the change it describes was committed; they are read newest first.
 */
@ApplicationScoped
public class SyncLog {

    /** One statement over arrays, one per column: half the time of a JDBC batch of single rows for a backfill batch. */
    private static final String INSERT = "INSERT INTO sync_log (at, integration_id, type, operation, contact_id, "
            + "external_id, field, old_value, new_value, error, actor) SELECT at::timestamptz, i, t, o, c, x, f, ov, nv, e, a "
            + "FROM unnest(?::text[], ?::varchar[], ?::varchar[], ?::varchar[], ?::uuid[], ?::varchar[], ?::varchar[], "
            + "?::text[], ?::text[], ?::text[], ?::varchar[]) AS l(at, i, t, o, c, x, f, ov, nv, e, a)";

    @Inject
    EntityManager entityManager;

    @Inject
    DataSource dataSource;

    /** What to read: every criterion is optional; {@code from} inclusive, {@code to} exclusive. */
    public record Query(String integrationId, SyncLogEntry.Type type, UUID contactId, Instant from, Instant to) {
    }

    /** A stored entry with the id its page cursor refers to. */
    public record Logged(long id, @JsonUnwrapped SyncLogEntry entry) {
    }

    /** Writes the entries in one statement on the connection of the current transaction (or a new one). */
    @Transactional
    public void append(List<SyncLogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int n = entries.size();
        String[] at = new String[n];
        String[] integrationIds = new String[n];
        String[] types = new String[n];
        String[] operations = new String[n];
        UUID[] contactIds = new UUID[n];
        String[] externalIds = new String[n];
        String[] fields = new String[n];
        String[] oldValues = new String[n];
        String[] newValues = new String[n];
        String[] errors = new String[n];
        String[] actors = new String[n];
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            SyncLogEntry e = entries.get(i);
            at[i] = (e.at() == null ? now : e.at()).toString();
            integrationIds[i] = e.integrationId();
            types[i] = e.type().wireName();
            operations[i] = e.operation();
            contactIds[i] = e.contactId();
            externalIds[i] = e.externalId();
            fields[i] = e.field();
            oldValues[i] = e.oldValue();
            newValues[i] = e.newValue();
            errors[i] = e.error();
            actors[i] = e.actor();
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                Object[][] columns = { at, integrationIds, types, operations, contactIds, externalIds, fields, oldValues,
                        newValues, errors, actors };
                String[] kinds = { "text", "varchar", "varchar", "varchar", "uuid", "varchar", "varchar", "text", "text",
                        "text", "varchar" };
                for (int c = 0; c < columns.length; c++) {
                    insert.setArray(c + 1, connection.createArrayOf(kinds[c], columns[c]));
                }
                insert.executeUpdate();
            }
        });
    }

    public void append(SyncLogEntry entry) {
        append(List.of(entry));
    }

    /** Newest first; the cursor is the id of the last entry of the previous page. */
    public Page<Logged> read(Query query, int limit, Long before) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, at, integration_id, type, operation, contact_id, external_id, "
                + "field, old_value, new_value, error, actor FROM sync_log WHERE id < ?");
        List<Object> params = new ArrayList<>();
        params.add(before == null ? Long.MAX_VALUE : before);
        if (query.integrationId() != null) {
            sql.append(" AND integration_id = ?");
            params.add(query.integrationId());
        }
        if (query.type() != null) {
            sql.append(" AND type = ?");
            params.add(query.type().wireName());
        }
        if (query.contactId() != null) {
            sql.append(" AND contact_id = ?");
            params.add(query.contactId());
        }
        if (query.from() != null) {
            sql.append(" AND at >= ?");
            params.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND at < ?");
            params.add(Timestamp.from(query.to()));
        }
        sql.append(" ORDER BY id DESC LIMIT ?");
        params.add(limit + 1);

        List<Logged> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                Object param = params.get(i);
                if (param instanceof UUID) {
                    select.setObject(i + 1, param, Types.OTHER);
                } else {
                    select.setObject(i + 1, param);
                }
            }
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Logged(rs.getLong(1), new SyncLogEntry(rs.getTimestamp(2).toInstant(), rs.getString(3),
                            SyncLogEntry.Type.byWireName(rs.getString(4)), rs.getString(5), rs.getObject(6, UUID.class),
                            rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                            rs.getString(12))));
                }
            }
        }
        boolean more = rows.size() > limit;
        return more ? new Page<>(rows.subList(0, limit), Long.toString(rows.get(limit - 1).id()))
                : new Page<>(rows, null);
    }
}
