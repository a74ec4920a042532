package io.komo.sync.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** {@code dead_letter}: written in the transaction of the batch that gave up on the records. */
@ApplicationScoped
public class DeadLetterStore {

    @Inject
    DataSource dataSource;

    public void add(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
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
}
