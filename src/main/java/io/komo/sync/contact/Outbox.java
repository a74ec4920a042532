package io.komo.sync.contact;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import io.komo.sync.storage.ArrayColumns;

/**
 * The {@code change_event} table: written in the transaction of each change, read by the change feed.
 *
 * <p>Writers take one transaction-scoped advisory lock before inserting, so sequence numbers are
 * handed out in commit order. Without it a reader could see seq 11 committed while seq 10 is still
 * in flight, move its cursor past 10 and never deliver it.
 *
 * <p>The same lock orders the contact writes themselves: a transaction that changes contacts takes it
 * ({@link #lockWrites()}) before it reads them, and holds it to its commit. A writer therefore reads
 * the latest committed state, so its optimistic version check cannot fail because of another writer,
 * and contact row locks are only ever taken by the lock's holder, so no two writers can wait for each
 * other in a cycle. Taking the row lock first (SELECT ... FOR UPDATE) is no alternative: an inbound
 * batch, which writes many contacts in one transaction, holds this lock from its first write and would
 * then wait for a row that a single-contact writer had locked while waiting for this lock: a deadlock.
 * The cost is small: writers were already serialised from their outbox insert to their commit; now they
 * are from their first read, a few milliseconds earlier.
 */
@ApplicationScoped
public class Outbox {

    static final long WRITE_LOCK = 0x6b6f6d6f6f7574L;
    private static final int INSERT_CHUNK = 1000;

    @Inject
    EntityManager entityManager;

    @Inject
    ObjectMapper mapper;

    /**
     * Takes the write lock until the caller's transaction ends; waits while another writer holds it.
     * Call it before reading the contacts the transaction is going to change. Taking it again is harmless.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockWrites() {
        entityManager.unwrap(Session.class).doWork(Outbox::lock);
    }

    /** Appends events in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void append(List<ChangeEvent.Draft> drafts) {
        if (drafts.isEmpty()) {
            return;
        }
        // Locked before the flush, so that even a writer that did not call lockWrites() first takes its
        // contact row locks (taken by the flush's UPDATEs) after this lock, never before it.
        lockWrites();
        entityManager.flush();
        entityManager.unwrap(Session.class).doWork(connection -> insert(connection, drafts));
    }

    private static void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, WRITE_LOCK);
            lock.execute();
        }
    }

    /**
     * One statement over arrays per {@value #INSERT_CHUNK} events: a bulk import of 10,000 contacts spent as
     * long inserting its events as a JDBC batch ({@link ArrayColumns} says why) as inserting the contacts.
     * The changed fields travel as one array literal per event because PostgreSQL has no array of arrays of
     * different lengths.
     */
    private void insert(Connection connection, List<ChangeEvent.Draft> drafts) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO change_event (id, type, contact_id, changed_fields, payload, occurred_at) "
                        + "SELECT id, type, contact_id, fields::text[], payload::jsonb, occurred_at "
                        + "FROM unnest(?::uuid[], ?::varchar[], ?::uuid[], ?::text[], ?::text[], ?::timestamptz[]) "
                        + "WITH ORDINALITY AS e(id, type, contact_id, fields, payload, occurred_at, n) ORDER BY n")) {
            for (int from = 0; from < drafts.size(); from += INSERT_CHUNK) {
                eventColumns.bind(connection, insert,
                        drafts.subList(from, Math.min(drafts.size(), from + INSERT_CHUNK)));
                insert.executeUpdate();
            }
        }
    }

    private final ArrayColumns<ChangeEvent.Draft> eventColumns = new ArrayColumns<ChangeEvent.Draft>()
            .column("uuid", UUID.class, ChangeEvent.Draft::id)
            .column("varchar", String.class, ChangeEvent.Draft::type)
            .column("uuid", UUID.class, ChangeEvent.Draft::contactId)
            .column("text", String.class, draft -> arrayLiteral(draft.changedFields()))
            .column("text", String.class, draft -> json(draft.payload()))
            .column("timestamptz", Timestamp.class, draft -> Timestamp.from(draft.occurredAt()));

    /** PostgreSQL's text form of a text[]: each element quoted, its quotes and backslashes escaped. */
    static String arrayLiteral(List<String> elements) {
        StringBuilder literal = new StringBuilder("{");
        for (String element : elements) {
            if (literal.length() > 1) {
                literal.append(',');
            }
            literal.append('"').append(element.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        return literal.append('}').toString();
    }

    /** Up to {@code limit} events after {@code afterSeq}, in sequence order. */
    public List<ChangeEvent> readAfter(Connection connection, long afterSeq, int limit) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(
                "SELECT seq, id, type, contact_id, changed_fields, payload::text, occurred_at FROM change_event "
                        + "WHERE seq > ? ORDER BY seq LIMIT ?")) {
            read.setLong(1, afterSeq);
            read.setInt(2, limit);
            return events(read);
        }
    }

    /** Up to {@code limit} events not yet published to Kafka, in sequence order. */
    public List<ChangeEvent> readUnpublished(Connection connection, int limit) throws SQLException {
        try (PreparedStatement read = connection.prepareStatement(
                "SELECT seq, id, type, contact_id, changed_fields, payload::text, occurred_at FROM change_event "
                        + "WHERE published_at IS NULL ORDER BY seq LIMIT ?")) {
            read.setInt(1, limit);
            return events(read);
        }
    }

    public void markPublished(Connection connection, List<ChangeEvent> events) throws SQLException {
        try (PreparedStatement mark = connection.prepareStatement(
                "UPDATE change_event SET published_at = now() WHERE seq = ANY (?)")) {
            mark.setArray(1, connection.createArrayOf("bigint", events.stream().map(ChangeEvent::seq).toArray()));
            mark.executeUpdate();
        }
    }

    public long lastSeq(Connection connection) throws SQLException {
        try (PreparedStatement max = connection.prepareStatement("SELECT coalesce(max(seq), 0) FROM change_event");
                ResultSet rs = max.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<ChangeEvent> events(PreparedStatement read) throws SQLException {
        List<ChangeEvent> events = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                Array fields = rs.getArray(5);
                events.add(new ChangeEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getObject(4, UUID.class), Arrays.asList((String[]) fields.getArray()), rs.getString(6),
                        rs.getTimestamp(7).toInstant()));
            }
        }
        return events;
    }

    private String json(Object payload) {
        try {
            return mapper.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An outbox payload could not be written as JSON", e);
        }
    }
}
