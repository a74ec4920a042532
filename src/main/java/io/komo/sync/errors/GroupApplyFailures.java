package io.komo.sync.errors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
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

        /** Whether the group is not to be tried again. */
        public boolean givenUp() {
            return attempts >= MAX_ATTEMPTS;
        }
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

    /** The failures counted for these groups, by group; a group that never failed is not in it. */
    public Map<String, Failures> recorded(Collection<String> groupIds) {
        Map<String, Failures> failures = new HashMap<>();
        if (groupIds.isEmpty()) {
            return failures;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT group_id, attempts, last_error FROM inbound_apply_failure WHERE group_id = ANY(?)")) {
            read.setArray(1, c.createArrayOf("text", groupIds.toArray()));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    failures.put(rs.getString(1), new Failures(rs.getInt(2), rs.getString(3)));
                }
            }
            return failures;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the apply failures of inbound groups", e);
        }
    }

    /** The groups were applied or dead-lettered, in the caller's transaction: nothing more to count. */
    public void forget(Collection<String> groupIds) {
        if (groupIds.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM inbound_apply_failure WHERE group_id = ANY(?)")) {
            delete.setArray(1, c.createArrayOf("text", groupIds.toArray()));
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not forget inbound apply failures", e);
        }
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
