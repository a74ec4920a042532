package io.komo.sync.observe;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Drops sync log rows older than {@code komo.logs.retention-days}. Deletes in chunks, each committed on
 * its own, so a large backlog never holds one long transaction or lock on a busy table.
 */
@ApplicationScoped
public class SyncLogRetention {

    private static final Logger LOG = Logger.getLogger(SyncLogRetention.class);
    private static final String DELETE_CHUNK = "DELETE FROM sync_log WHERE id IN "
            + "(SELECT id FROM sync_log WHERE at < ? ORDER BY id LIMIT ?)";

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
        int chunk;
        do {
            chunk = deleteChunk(cutoff);
            deleted += chunk;
        } while (chunk == chunkSize);
        if (deleted > 0) {
            LOG.infof("Deleted %d sync log entries older than %s (retention %d days)", deleted, cutoff, retentionDays);
        }
        return deleted;
    }

    private int deleteChunk(Instant cutoff) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(DELETE_CHUNK)) {
            delete.setTimestamp(1, Timestamp.from(cutoff));
            delete.setInt(2, chunkSize);
            return delete.executeUpdate();
        }
    }
}
