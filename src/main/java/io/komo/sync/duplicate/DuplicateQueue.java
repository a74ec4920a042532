package io.komo.sync.duplicate;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.dedup.DedupMatch;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;

/**
 * The duplicates review list ({@code duplicate_review}): inbound records dedup could not match to one Komo contact,
 * kept with the key they were matched on and the contacts a person can choose from. A platform record waits once:
 * a later change of the same external id folds into its open entry (newer fields replace older ones). People read
 * and resolve it through {@code /api/duplicates} ({@link DuplicateService}).
 */
@ApplicationScoped
public class DuplicateQueue {

    private static final String COLUMNS = "id, integration_id, external_id, dedup_key, key_value, reason, candidates, "
            + "fields::text, field_changed_at::text, status, resolution::text, resolved_by, created_at, resolved_at";
    private static final TypeReference<Map<String, Instant>> TIMES = new TypeReference<>() {
    };

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @Inject
    SyncLog log;

    /** Parks {@code record} in the caller's transaction and logs it as a {@code duplicate.parked} conflict entry. */
    public void park(String integrationId, InboundRecord record, Map<String, Instant> fieldChangedAt,
            DedupMatch match) {
        try (Connection c = dataSource.getConnection()) {
            Array candidates = c.createArrayOf("uuid", match.candidates().toArray());
            String fields = mapper.writeValueAsString(record.fields());
            String times = mapper.writeValueAsString(fieldChangedAt);
            boolean folded = false;
            if (record.externalId() != null) {
                try (PreparedStatement update = c.prepareStatement(
                        "UPDATE duplicate_review SET fields = fields || ?::jsonb, "
                                + "field_changed_at = field_changed_at || ?::jsonb, dedup_key = ?, key_value = ?, "
                                + "reason = ?, candidates = ? "
                                + "WHERE integration_id = ? AND external_id = ? AND status = 'open'")) {
                    update.setString(1, fields);
                    update.setString(2, times);
                    update.setString(3, match.key().wireName());
                    update.setString(4, match.value());
                    update.setString(5, match.reason().wireName());
                    update.setArray(6, candidates);
                    update.setString(7, integrationId);
                    update.setString(8, record.externalId());
                    folded = update.executeUpdate() > 0;
                }
            }
            if (!folded) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO duplicate_review (id, integration_id, external_id, dedup_key, key_value, reason, "
                                + "candidates, fields, field_changed_at, status, created_at) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, 'open', ?)")) {
                    insert.setObject(1, UUID.randomUUID());
                    insert.setString(2, integrationId);
                    insert.setString(3, record.externalId());
                    insert.setString(4, match.key().wireName());
                    insert.setString(5, match.value());
                    insert.setString(6, match.reason().wireName());
                    insert.setArray(7, candidates);
                    insert.setString(8, fields);
                    insert.setString(9, times);
                    insert.setTimestamp(10, Timestamp.from(Instant.now()));
                    insert.executeUpdate();
                }
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not park a duplicate of " + integrationId, e);
        }
        log.append(List.of(SyncLogEntry.conflict(integrationId, "duplicate.parked", null, record.externalId(),
                match.key().wireName(), null, match.value(), "dedup: " + match.reason().wireName())));
    }

    /** Filters of {@code GET /api/duplicates}; null means "any". */
    public record Filter(String integrationId, String status) {
    }

    public Page<DuplicateView> list(Filter filter, int limit, NewestFirst after) {
        Map<String, Object> filters = new LinkedHashMap<>();
        filters.put("integration_id", filter.integrationId());
        filters.put("status", filter.status());
        try (Connection c = dataSource.getConnection()) {
            return NewestFirst.list(c, "SELECT " + COLUMNS + " FROM duplicate_review", filters, after, limit,
                    this::rows,
                    duplicate -> new NewestFirst(duplicate.createdAt(), duplicate.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list duplicates", e);
        }
    }

    public Optional<DuplicateView> find(UUID id) {
        return find(id, "");
    }

    /** Reads an entry and locks it until the caller's transaction ends, so only one resolution wins. */
    public Optional<DuplicateView> lock(UUID id) {
        return find(id, " FOR UPDATE");
    }

    private Optional<DuplicateView> find(UUID id, String lock) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT " + COLUMNS + " FROM duplicate_review WHERE id = ?" + lock)) {
            read.setObject(1, id);
            return rows(read).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read duplicate " + id, e);
        }
    }

    public void markResolved(UUID id, Object resolution, String resolvedBy) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE duplicate_review SET status = 'resolved', resolution = ?::jsonb, resolved_by = ?, "
                                + "resolved_at = ? WHERE id = ?")) {
            update.setString(1, mapper.writeValueAsString(resolution));
            update.setString(2, resolvedBy);
            update.setTimestamp(3, Timestamp.from(Instant.now()));
            update.setObject(4, id);
            update.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not resolve duplicate " + id, e);
        }
    }

    private List<DuplicateView> rows(PreparedStatement read) throws SQLException {
        List<DuplicateView> duplicates = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                duplicates.add(new DuplicateView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), uuids(rs.getArray(7)), json(rs.getString(8)),
                        times(rs.getString(9)), rs.getString(10), json(rs.getString(11)), rs.getString(12),
                        instant(rs.getTimestamp(13)), instant(rs.getTimestamp(14))));
            }
        }
        return duplicates;
    }

    private static List<UUID> uuids(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(UUID.class::cast).toList();
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored duplicate is not JSON", e);
        }
    }

    private Map<String, Instant> times(String text) {
        try {
            return mapper.readValue(text, TIMES);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored change times of a duplicate are not JSON", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
