package io.komo.sync.security;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.api.Page;
import io.komo.sync.api.StorableText;

/**
 * The access audit trail of the management API. Entries are written on one background thread so an
 * answer never waits for its audit row and the rows keep the order of the calls.
 *
 * <p>Every entry is made storable first ({@link #storable}): text is escaped (<code>&#92;u0000</code> for a NUL and every
 * other control character) and cut to its column, so what a caller sends cannot keep its own call off the
 * trail. An entry that still cannot be written (the database is down, say) is never dropped silently: it is
 * logged at ERROR with what it held and counted in {@value #FAILURES} ({@code komo_access_audit_failures_total}
 * on {@code /q/metrics}); the answer has long gone out, so the request itself does not fail.
 */
@ApplicationScoped
public class AccessAuditLog {

    private static final Logger LOG = Logger.getLogger(AccessAuditLog.class);
    static final String FAILURES = "komo.access.audit.failures";

    /** One call: who (token name, never the token), when, what, and the answer's status. */
    public record Entry(Instant at, String principal, String role, String method, String path, int status,
            String remote) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    MeterRegistry registry;

    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "komo-access-audit");
        t.setDaemon(true);
        return t;
    });

    /** The failure counter is there from the start, at 0, so an alert on it has something to watch. */
    void registerFailureCounter(@Observes StartupEvent started) {
        registry.counter(FAILURES);
    }

    public void record(Entry entry) {
        Entry storable = storable(entry);
        try {
            writer.execute(() -> write(storable));
        } catch (RuntimeException rejected) {
            failed(storable, rejected);
        }
    }

    /** Writes one entry now; a failure is logged and counted, never thrown. */
    void write(Entry e) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO access_audit (at, principal, role, method, path, status, remote) VALUES (?,?,?,?,?,?,?)")) {
            insert.setTimestamp(1, Timestamp.from(e.at()));
            insert.setString(2, e.principal());
            insert.setString(3, e.role());
            insert.setString(4, e.method());
            insert.setString(5, e.path());
            insert.setInt(6, e.status());
            insert.setString(7, e.remote());
            insert.executeUpdate();
        } catch (SQLException | RuntimeException ex) {
            failed(e, ex);
        }
    }

    private void failed(Entry e, Exception cause) {
        registry.counter(FAILURES).increment();
        LOG.errorf(cause, "Could not write the access audit entry %s: %s %s by %s (%s) from %s answered %d",
                e.at(), e.method(), e.path(), e.principal(), e.role(), e.remote(), e.status());
    }

    /** The entry with each text escaped (StorableText.escape) and cut to its column of access_audit. */
    static Entry storable(Entry e) {
        return new Entry(e.at() == null ? Instant.now() : e.at(),
                fit(e.principal() == null ? "anonymous" : e.principal(), 128),
                fit(e.role(), 16), fit(e.method() == null ? "?" : e.method(), 10),
                fit(e.path() == null ? "" : e.path(), 2048),
                e.status(), fit(e.remote(), 64));
    }

    private static String fit(String text, int columnLength) {
        String escaped = StorableText.escape(text);
        if (escaped == null || escaped.length() <= columnLength) {
            return escaped;
        }
        int end = columnLength;
        if (Character.isHighSurrogate(escaped.charAt(end - 1))) {
            end--;
        }
        return escaped.substring(0, end);
    }

    /** Newest first, {@code limit} at a time; the cursor is the id of the last entry of the previous page. */
    public Page<Entry> read(int limit, Long before) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT id, at, principal, role, method, path, status, remote FROM access_audit "
                                + "WHERE id < ? ORDER BY id DESC LIMIT ?")) {
            read.setLong(1, before == null ? Long.MAX_VALUE : before);
            read.setInt(2, limit + 1);
            List<Entry> entries = new ArrayList<>();
            List<Long> ids = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                    entries.add(new Entry(rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8)));
                }
            }
            boolean more = entries.size() > limit;
            return more
                    ? new Page<>(entries.subList(0, limit), Long.toString(ids.get(limit - 1)))
                    : new Page<>(entries, null);
        }
    }

    /**
     * Writes what is queued once the HTTP server has stopped and before any bean is destroyed: as a
     * {@code @PreDestroy} it could run after the datasource's pool had closed and lose the last entries.
     */
    void drain(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) throws InterruptedException {
        writer.shutdown();
        writer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
