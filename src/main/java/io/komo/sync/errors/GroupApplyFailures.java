package io.komo.sync.errors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Failed attempts to apply an aggregated inbound group, by group id. A group whose application fails rolls its batch
 * back and is tried again at the next tick, first in line; a group that can never be applied (say, a platform record
 * with an email Komo refuses) would hold every later change of the integration back for good. After
 * {@link #MAX_ATTEMPTS} failures the group is given up instead: dead-lettered with the last error, so the others go on.
 *
 * <p>Counted in {@code inbound_apply_failure}, in a transaction of its own: the failed one is rolled back and cannot
 * count, and a count in memory would give a poison group a fresh set of attempts after every restart.
 */
@ApplicationScoped
public class GroupApplyFailures {

    public static final int MAX_ATTEMPTS = 5;

    /** How often a group failed, and the last error. */
    public record Failures(int attempts, String lastError) {
    }

    @Inject
    DataSource dataSource;

    /** Counts a failed attempt; commits at once, whatever becomes of the caller's transaction. */
    public void failed(String integrationId, String groupId, Exception error) {
        String message = error.getClass().getSimpleName() + ": " + error.getMessage();
        QuarkusTransaction.requiringNew().run(() -> update(
                "INSERT INTO inbound_apply_failure (group_id, integration_id, attempts, last_error, updated_at) "
                        + "VALUES (?, ?, 1, ?, now()) ON CONFLICT (group_id) DO UPDATE SET "
                        + "attempts = inbound_apply_failure.attempts + 1, last_error = excluded.last_error, updated_at = now()",
                groupId, integrationId, message));
    }

    /** The failures of a group that is not to be tried again; empty while it has attempts left. */
    public Optional<Failures> givenUp(String groupId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT attempts, last_error FROM inbound_apply_failure WHERE group_id = ? AND attempts >= ?")) {
            read.setString(1, groupId);
            read.setInt(2, MAX_ATTEMPTS);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(new Failures(rs.getInt(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the apply failures of group " + groupId, e);
        }
    }

    /** The group was applied or dead-lettered, in the caller's transaction: nothing more to count. */
    public void forget(String groupId) {
        update("DELETE FROM inbound_apply_failure WHERE group_id = ?", groupId);
    }

    private void update(String sql, String... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record an inbound apply failure", e);
        }
    }
}
