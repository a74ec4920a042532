package io.komo.sync.errors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Raises "sync failed" once per failing spell rather than once per failure, so a platform outage does not flood
 * Slack: the first failure after a success (or ever) starts a spell, the rest do not until a success ends it.
 *
 * <p>The spell is a row of {@code integration_failure}, changed by a conditional upsert in the caller's
 * transaction: of several replicas (or a replica before and after a restart) exactly one sees the transition,
 * and it is undone with the batch when that transaction rolls back, together with the event it raised.
 */
@ApplicationScoped
public class FailureStates {

    @Inject
    DataSource dataSource;

    /** @return true when this failure starts a failing spell: raise the "sync failed" event now */
    public boolean recordFailure(String integrationId) {
        return transition(integrationId, true);
    }

    /** @return true when this success ends a failing spell */
    public boolean recordSuccess(String integrationId) {
        return transition(integrationId, false);
    }

    public boolean isFailing(String integrationId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT failing FROM integration_failure WHERE integration_id = ?")) {
            read.setString(1, integrationId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read whether " + integrationId + " is failing", e);
        }
    }

    /** A row that does not exist yet counts as healthy, so a first success writes nothing. */
    private boolean transition(String integrationId, boolean failing) {
        String sql = failing
                ? "INSERT INTO integration_failure (integration_id, failing, changed_at) VALUES (?, true, now()) "
                        + "ON CONFLICT (integration_id) DO UPDATE SET failing = true, changed_at = now() "
                        + "WHERE NOT integration_failure.failing"
                : "UPDATE integration_failure SET failing = false, changed_at = now() WHERE integration_id = ? AND failing";
        try (Connection c = dataSource.getConnection(); PreparedStatement change = c.prepareStatement(sql)) {
            change.setString(1, integrationId);
            return change.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record the failure state of " + integrationId, e);
        }
    }
}
