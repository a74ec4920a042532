package io.komo.sync.observe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Drops sync log rows, and settled (delivered or failed) outbound webhook deliveries, older than
 * {@code komo.logs.retention-days}. Deletes in chunks, each committed on its own, so a large backlog
 * never holds one long transaction or lock on a busy table. Pending deliveries are kept however old.
 */
@ApplicationScoped
public class SyncLogRetention {

    private static final Logger LOG = Logger.getLogger(SyncLogRetention.class);
    private static final List<String> DELETE_CHUNKS = List.of(
            "DELETE FROM sync_log WHERE id IN (SELECT id FROM sync_log WHERE at < ? ORDER BY id LIMIT ?)",
            "DELETE FROM webhook_delivery WHERE id IN (SELECT id FROM webhook_delivery WHERE direction = 'outbound' "
                    + "AND status IN ('delivered', 'failed') AND received_at < ? LIMIT ?)");

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "komo.logs.retention-days")
    int retentionDays;

    @ConfigProperty(name = "komo.logs.retention-chunk-size")
    int chunkSize;

    Clock clock = Clock.systemUTC();

    /** Called by the route {@code sync-log.retention}; answers how many rows went. */
    public long deleteExpired() throws SQLException {
        Instant cutoff = clock.instant().minus(Duration.ofDays(retentionDays));
        long deleted = 0;
        for (String statement : DELETE_CHUNKS) {
            int chunk;
            do {
                chunk = deleteChunk(statement, cutoff);
                deleted += chunk;
            } while (chunk == chunkSize);
        }
        if (deleted > 0) {
            LOG.infof("Deleted %d sync log entries and webhook deliveries older than %s (retention %d days)", deleted,
                    cutoff, retentionDays);
        }
        return deleted;
    }

    private int deleteChunk(String statement, Instant cutoff) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(statement)) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            delete.setInt(2, chunkSize);
            return delete.executeUpdate();
        }
    }
}
