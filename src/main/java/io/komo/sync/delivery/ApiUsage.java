package io.komo.sync.delivery;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The calls made to each integration's platform per day, and how many of them the platform throttled
 * (the status's API usage; spec: "Monitor API limits"). Kept in {@code api_usage} so that a daily quota
 * also counts what earlier runs of the service, and other replicas, used today. The quota day is the
 * UTC day, as the {@link RateLimiter}'s. The other way round, it counts the platform's webhooks that Komo
 * refused (429) because the integration's inbound backlog was full.
 * <p>
 * Calls are counted in memory and written by the route {@code api-usage.flush} every few seconds:
 * a call is made while its batch holds a database connection, and a second connection per call would
 * starve the pool when many integrations deliver at once; a refused webhook comes when the service is busiest.
 * A crash loses at most the last interval's counts, which are statistics, not data.
 */
@ApplicationScoped
public class ApiUsage {

    private static final Logger LOG = Logger.getLogger(ApiUsage.class);

    /** One integration's usage on one day: calls to the platform, those it throttled, its webhooks Komo refused. */
    public record Day(long requests, long throttled, long inboundRefused) {
    }

    private record Key(String integrationId, LocalDate day) {
    }

    private record Counts(AtomicLong requests, AtomicLong throttled, AtomicLong inboundRefused) {

        Counts() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong());
        }
    }

    private final Map<Key, Counts> unwritten = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    @Inject
    DataSource dataSource;

    /** Counted before the call is sent: a call that times out was still made. */
    public void requested(String integrationId) {
        counts(integrationId).requests().incrementAndGet();
    }

    public void throttled(String integrationId) {
        counts(integrationId).throttled().incrementAndGet();
    }

    /** A webhook of the platform refused with 429: the integration's inbound backlog was full. */
    public void inboundRefused(String integrationId) {
        counts(integrationId).inboundRefused().incrementAndGet();
    }

    /** What is written plus what this replica has counted since the last write. */
    public Day today(String integrationId) {
        LocalDate today = today();
        Counts pending = unwritten.get(new Key(integrationId, today));
        long requests = pending == null ? 0 : pending.requests().get();
        long throttled = pending == null ? 0 : pending.throttled().get();
        long refused = pending == null ? 0 : pending.inboundRefused().get();
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT requests, throttled, inbound_refused FROM api_usage WHERE integration_id = ? AND day = ?")) {
            read.setString(1, integrationId);
            read.setDate(2, Date.valueOf(today));
            try (ResultSet rs = read.executeQuery()) {
                return rs.next()
                        ? new Day(rs.getLong(1) + requests, rs.getLong(2) + throttled, rs.getLong(3) + refused)
                        : new Day(requests, throttled, refused);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the API usage of " + integrationId, e);
        }
    }

    /** Adds the counts to {@code api_usage}; called by the route {@code api-usage.flush} and at shutdown. */
    public void flush() {
        LocalDate today = today();
        for (Map.Entry<Key, Counts> entry : unwritten.entrySet()) {
            Key key = entry.getKey();
            long requests = entry.getValue().requests().getAndSet(0);
            long throttled = entry.getValue().throttled().getAndSet(0);
            long refused = entry.getValue().inboundRefused().getAndSet(0);
            if (key.day().isBefore(today)) {
                unwritten.remove(key); // no call counts into a past day any more
            }
            if (requests == 0 && throttled == 0 && refused == 0) {
                continue;
            }
            try {
                add(key, requests, throttled, refused);
            } catch (SQLException e) {
                // Kept for the next flush rather than lost.
                counts(key).requests().addAndGet(requests);
                counts(key).throttled().addAndGet(throttled);
                counts(key).inboundRefused().addAndGet(refused);
                LOG.warnf("Could not write the API usage of %s; will try again: %s", key.integrationId(),
                        e.getMessage());
            }
        }
    }

    /**
     * The last counts, written once the routes have stopped and before any bean is destroyed: as a
     * {@code @PreDestroy} it ran after the datasource's pool had closed, and every stop lost them.
     */
    void flushAtShutdown(@Observes @BeforeDestroyed(ApplicationScoped.class) Object event) {
        try {
            flush();
        } catch (RuntimeException e) {
            // The counts are statistics: a stop must not fail on them.
            LOG.warnf("Could not write the last API usage counts at shutdown: %s", e.getMessage());
        }
    }

    private void add(Key key, long requests, long throttled, long refused) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement upsert = c.prepareStatement(
                        """
                                INSERT INTO api_usage (integration_id, day, requests, throttled, inbound_refused) VALUES (?, ?, ?, ?, ?)
                                ON CONFLICT (integration_id, day) DO UPDATE
                                SET requests = api_usage.requests + EXCLUDED.requests, throttled = api_usage.throttled + EXCLUDED.throttled,
                                    inbound_refused = api_usage.inbound_refused + EXCLUDED.inbound_refused""")) {
            upsert.setString(1, key.integrationId());
            upsert.setDate(2, Date.valueOf(key.day()));
            upsert.setLong(3, requests);
            upsert.setLong(4, throttled);
            upsert.setLong(5, refused);
            upsert.executeUpdate();
        }
    }

    private Counts counts(String integrationId) {
        return counts(new Key(integrationId, today()));
    }

    private Counts counts(Key key) {
        return unwritten.computeIfAbsent(key, k -> new Counts());
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }
}
