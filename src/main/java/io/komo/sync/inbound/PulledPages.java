package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.connector.spi.InboundRecord;

/**
 * Pages a pull read from the platform, in the durable inbound store the webhooks use ({@code webhook_delivery},
 * marked with their run): the inbound-process route claims and applies them like webhooks, so a pulled record gets
 * everything a pushed one does (the aggregator's order per contact, the integration's lock, the 3-way merge, conflict
 * rules, the manual queue, the late-echo check, dead letters, the sync log). Each page is stored in the transaction
 * that moves the pull's cursor and watermark, so a crash reads a page again and never skips one. Statements run on
 * the caller's transaction.
 */
@ApplicationScoped
public class PulledPages {

    private static final TypeReference<List<InboundRecord>> RECORDS = new TypeReference<>() {
    };

    /** A pull's records: stored for the merge, and of those how many it applied and how many it gave up on. */
    public record Progress(long stored, long applied, long failed) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    /** Stores one page's records for the inbound merge. */
    public void store(UUID runId, String integrationId, List<InboundRecord> records) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_delivery (id, direction, integration_id, run_id, records, payload, status, received_at) "
                                + "VALUES (?, 'inbound', ?, ?, ?, ?, 'received', ?)")) {
            insert.setObject(1, UUID.randomUUID());
            insert.setString(2, integrationId);
            insert.setObject(3, runId);
            insert.setInt(4, records.size());
            insert.setString(5, mapper.writeValueAsString(records));
            insert.setTimestamp(6, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not store a pulled page of " + integrationId, e);
        }
    }

    /** The records of a stored page, as the connector read them. */
    List<InboundRecord> records(String payload) {
        try {
            return mapper.readValue(payload, RECORDS);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "A stored pulled page is not a list of records: " + e.getOriginalMessage());
        }
    }

    /**
     * Counts a group's records as applied (or given up), against the pulled pages they came from; the events of
     * webhooks are not counted. An event id appears once per record of that event in the group.
     */
    void counted(List<UUID> eventIds, boolean applied) {
        if (eventIds.isEmpty()) {
            return;
        }
        String column = applied ? "applied" : "failed";
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE webhook_delivery d SET " + column + " = d." + column
                                + " + e.n FROM (SELECT id, count(*) AS n "
                                + "FROM unnest(?::uuid[]) AS id GROUP BY id) e WHERE d.id = e.id AND d.run_id IS NOT NULL")) {
            update.setArray(1, c.createArrayOf("uuid", eventIds.toArray()));
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not count applied pulled records", e);
        }
    }

    public Progress progress(UUID runId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT coalesce(sum(records), 0), coalesce(sum(applied), 0), "
                                // a page that could not be read back was dead-lettered whole
                                + "coalesce(sum(CASE WHEN status = 'failed' THEN records ELSE failed END), 0) "
                                + "FROM webhook_delivery WHERE run_id = ?")) {
            read.setObject(1, runId);
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return new Progress(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the progress of pull " + runId, e);
        }
    }
}
