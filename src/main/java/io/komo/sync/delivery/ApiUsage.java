package io.komo.sync.delivery;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The calls made to each integration's platform per day, and how many of them the platform throttled
 * (the status's API usage; spec: "Monitor API limits"). Kept in {@code api_usage} so that a daily quota
 * also counts what earlier runs of the service, and other replicas, used today. The quota day is the
 * UTC day, as the {@link RateLimiter}'s.
 */
@ApplicationScoped
public class ApiUsage {

    /** One integration's usage on one day. */
    public record Day(long requests, long throttled) {
    }

    private final Clock clock = Clock.systemUTC();

    @Inject
    DataSource dataSource;

    /** Counted before the call is sent: a call that times out was still made. */
    public void requested(String integrationId) {
        add(integrationId, 1, 0);
    }

    public void throttled(String integrationId) {
        add(integrationId, 0, 1);
    }

    public Day today(String integrationId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(
                "SELECT requests, throttled FROM api_usage WHERE integration_id = ? AND day = ?")) {
            read.setString(1, integrationId);
            read.setDate(2, Date.valueOf(today()));
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? new Day(rs.getLong(1), rs.getLong(2)) : new Day(0, 0);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the API usage of " + integrationId, e);
        }
    }

    /**
     * In a transaction of its own: the call was made even when the batch that made it rolls back for a
     * retry, and the retry is another call.
     */
    private void add(String integrationId, long requests, long throttled) {
        QuarkusTransaction.requiringNew().run(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement upsert = c.prepareStatement("""
                    INSERT INTO api_usage (integration_id, day, requests, throttled) VALUES (?, ?, ?, ?)
                    ON CONFLICT (integration_id, day) DO UPDATE
                    SET requests = api_usage.requests + EXCLUDED.requests, throttled = api_usage.throttled + EXCLUDED.throttled""")) {
                upsert.setString(1, integrationId);
                upsert.setDate(2, Date.valueOf(today()));
                upsert.setLong(3, requests);
                upsert.setLong(4, throttled);
                upsert.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("Could not count an API call of " + integrationId, e);
            }
        });
    }

    private LocalDate today() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC));
    }
}
