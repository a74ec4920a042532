package io.komo.sync.errors;

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
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;

/**
 * {@code dead_letter}: written in the transaction of the batch that gave up on the records; read and
 * settled (replayed, discarded) through {@code /api/dead-letters}.
 */
@ApplicationScoped
@Named("deadLetterStore")
public class DeadLetterStore {

    private static final String COLUMNS = "id, integration_id, stage, route_id, contact_id, payload::text, "
            + "exception_type, error, attempts, status, created_at, updated_at";

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    public void add(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO dead_letter (id, integration_id, stage, route_id, contact_id, payload, exception_type, "
                                + "error, attempts, status, created_at, updated_at) VALUES (?,?,?,?,?,?::jsonb,?,?,?,'open',?,?)")) {
            for (DeadLetter letter : letters) {
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, letter.integrationId());
                insert.setString(3, letter.stage());
                insert.setString(4, letter.routeId());
                insert.setObject(5, letter.contactId());
                insert.setString(6, letter.payload());
                insert.setString(7, letter.exceptionType());
                insert.setString(8, letter.error());
                insert.setInt(9, letter.attempts());
                insert.setTimestamp(10, now);
                insert.setTimestamp(11, now);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write dead letters", e);
        }
    }

    /** Filters of {@code GET /api/dead-letters}; null means "any". */
    public record Filter(String integrationId, String status) {
    }

    public Page<DeadLetterView> list(Filter filter, int limit, NewestFirst after) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("integration_id", filter.integrationId());
        filters.put("status", filter.status());
        try (Connection c = dataSource.getConnection()) {
            return NewestFirst.list(c, "SELECT " + COLUMNS + " FROM dead_letter", filters, after, limit, this::rows,
                    letter -> new NewestFirst(letter.createdAt(), letter.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list dead letters", e);
        }
    }

    public Optional<DeadLetterView> find(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?")) {
            read.setObject(1, id);
            return rows(read).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read dead letter " + id, e);
        }
    }

    /** The newest dead letter of a contact written at or after {@code since}, other than {@code except}. */
    public Optional<DeadLetterView> newestSince(String integrationId, UUID contactId, Instant since, UUID except) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement("SELECT " + COLUMNS
                        + " FROM dead_letter WHERE integration_id = ? AND contact_id = ? AND created_at >= ? AND id <> ?"
                        + " ORDER BY created_at DESC LIMIT 1")) {
            read.setString(1, integrationId);
            read.setObject(2, contactId);
            read.setTimestamp(3, Timestamp.from(since));
            read.setObject(4, except);
            return rows(read).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the dead letters of contact " + contactId, e);
        }
    }

    /**
     * Moves an open dead letter to {@code status}; false when it is no longer open (someone else
     * settled it first), so two operators cannot both replay or discard it.
     */
    public boolean settle(UUID id, String status) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE dead_letter SET status = ?, updated_at = ? WHERE id = ? AND status = 'open'")) {
            update.setString(1, status);
            update.setTimestamp(2, Timestamp.from(Instant.now()));
            update.setObject(3, id);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not update dead letter " + id, e);
        }
    }

    /** A replay that failed again: the letter stays open and shows the latest reason. */
    public void recordFailedReplay(UUID id, String exceptionType, String error) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE dead_letter SET exception_type = ?, error = ?, attempts = attempts + 1, updated_at = ? "
                                + "WHERE id = ? AND status = 'open'")) {
            update.setString(1, exceptionType);
            update.setString(2, error);
            update.setTimestamp(3, Timestamp.from(Instant.now()));
            update.setObject(4, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not update dead letter " + id, e);
        }
    }

    private List<DeadLetterView> rows(PreparedStatement read) throws SQLException {
        List<DeadLetterView> letters = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                String payload = rs.getString(6);
                try {
                    letters.add(new DeadLetterView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getObject(5, UUID.class),
                            payload == null ? null : mapper.readTree(payload),
                            rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10),
                            rs.getTimestamp(11).toInstant(), rs.getTimestamp(12).toInstant()));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("A dead letter's payload is not JSON", e);
                }
            }
        }
        return letters;
    }
}
