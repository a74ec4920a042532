package io.komo.sync.integration;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.delivery.ApiUsage;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.errors.Classification;
import io.komo.sync.errors.FailureStates;
import io.komo.sync.inbound.InboundBacklog;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * What the Syncs dashboard shows of an integration (spec: Sync Status Dashboard, Monitoring Syncs),
 * computed from the sync log and the dead letters, and the connection test.
 */
@ApplicationScoped
public class IntegrationHealth {

    /**
     * The health indicator: healthy, warning (errors today, open dead letters, or the inbound backlog at its bound),
     * error (failing now), inactive (not active); {@code healthReasons} names what made it so. Average sync time and
     * records per sync are over the runs finished in the last 30 days (null when none). {@code inbound}: the lag of
     * what the platform pushed or a pull read (left out for an integration that only sends).
     */
    public record Status(String id, String state, String connection, String health, List<String> healthReasons,
            Instant lastSync, long recordsToday, long recordsTotal, long errorsToday, long errorsTotal,
            Double successRate, long openDeadLetters, long openConflicts, Double averageSyncSeconds,
            Double recordsPerSync, ApiUsageToday apiUsage,
            @JsonInclude(JsonInclude.Include.NON_NULL) InboundBacklog.Lag inbound) {
    }

    /** What the indicator is decided on; the one rule behind it, for the status endpoint and for integrations as listed. */
    record Signs(boolean active, boolean failing, boolean errorsToday, boolean openDeadLetters, boolean inboundFull) {

        String indicator() {
            return !active
                    ? "inactive"
                    : failing
                            ? "error"
                            : errorsToday || openDeadLetters || inboundFull
                                    ? "warning"
                                    : "healthy";
        }

        /** Each sign that is up, in words; empty when healthy. */
        List<String> reasons() {
            List<String> reasons = new ArrayList<>();
            if (!active) {
                reasons.add("not active");
            }
            if (failing) {
                reasons.add("failing now");
            }
            if (errorsToday) {
                reasons.add("errors today");
            }
            if (openDeadLetters) {
                reasons.add("open dead letters");
            }
            if (inboundFull) {
                reasons.add("inbound backlog at its bound: new webhooks are refused with 429");
            }
            return reasons;
        }
    }

    /** Calls made to the platform today (UTC), how many it throttled, and the daily quota (null when none). */
    public record ApiUsageToday(long requests, long throttled, Long dailyQuota, Double quotaUsedPercent) {

        static ApiUsageToday of(ApiUsage.Day day, long dailyQuota) {
            boolean limited = dailyQuota > 0 && dailyQuota < Long.MAX_VALUE;
            return new ApiUsageToday(day.requests(), day.throttled(), limited ? dailyQuota : null,
                    limited ? Math.round(day.requests() * 1000.0 / dailyQuota) / 10.0 : null);
        }
    }

    public record ConnectionTest(boolean connected, int status, String detail) {
    }

    private static final Duration RUN_AVERAGE_WINDOW = Duration.ofDays(30);

    @Inject
    RunningIntegrations integrations;

    @Inject
    DataSource dataSource;

    @Inject
    ConnectorCalls calls;

    @Inject
    ApiUsage usage;

    @Inject
    FailureStates failures;

    @Inject
    InboundBacklog inboundBacklog;

    public Status status(String id) {
        CompiledIntegration integration = integrations.find(id)
                .orElseThrow(() -> ProblemException.notFound("No integration " + id));
        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement("""
                SELECT max(at) FILTER (WHERE type = 'success'),
                       count(*) FILTER (WHERE type = 'success' AND operation LIKE 'contact.%' AND at >= ?),
                       count(*) FILTER (WHERE type = 'success' AND operation LIKE 'contact.%'),
                       count(*) FILTER (WHERE type = 'error' AND at >= ?),
                       count(*) FILTER (WHERE type = 'error'),
                       (SELECT count(*) FROM dead_letter WHERE integration_id = ? AND status = 'open'),
                       (SELECT count(*) FROM conflict WHERE integration_id = ? AND status = 'open'),
                       (SELECT avg(extract(epoch FROM finished_at - started_at)) FROM sync_run
                        WHERE integration_id = ? AND status = 'completed' AND finished_at >= ?),
                       (SELECT avg(processed) FROM sync_run
                        WHERE integration_id = ? AND status = 'completed' AND finished_at >= ?)
                FROM sync_log WHERE integration_id = ?""")) {
            Timestamp runsSince = Timestamp.from(Instant.now().minus(RUN_AVERAGE_WINDOW));
            read.setTimestamp(1, Timestamp.from(today));
            read.setTimestamp(2, Timestamp.from(today));
            read.setString(3, id);
            read.setString(4, id);
            read.setString(5, id);
            read.setTimestamp(6, runsSince);
            read.setString(7, id);
            read.setTimestamp(8, runsSince);
            read.setString(9, id);
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                Timestamp last = rs.getTimestamp(1);
                long total = rs.getLong(3);
                long errors = rs.getLong(5);
                boolean failing = failures.isFailing(id);
                InboundBacklog.Lag inbound = inboundBacklog.lag(integration).orElse(null);
                Signs signs = new Signs(integration.isActive(), failing, rs.getLong(4) > 0, rs.getLong(6) > 0,
                        inbound != null && inbound.refusing());
                return new Status(id, integration.status().wireName(), failing ? "disconnected" : "connected",
                        signs.indicator(), signs.reasons(), last == null ? null : last.toInstant(), rs.getLong(2),
                        total, rs.getLong(4), errors,
                        total + errors == 0 ? null : Math.round(total * 1000.0 / (total + errors)) / 10.0,
                        rs.getLong(6), rs.getLong(7), roundedOrNull(rs.getBigDecimal(8)),
                        roundedOrNull(rs.getBigDecimal(9)),
                        ApiUsageToday.of(usage.today(id), integration.rateLimiter().dailyQuota()), inbound);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the status of " + id, e);
        }
    }

    /**
     * The views with their health indicator, as {@link #status} computes it, read for all of them in one query
     * from the database alone: no platform is called, and neither counts nor averages are computed, so listing
     * stays cheap (a full inbound backlog is known in memory). A view counts as active by its own (stored) status.
     */
    public List<IntegrationView> withHealth(List<IntegrationView> views) {
        if (views.isEmpty()) {
            return views;
        }
        Instant today = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant();
        Map<String, String> indicators = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        """
                                SELECT i.id,
                                       coalesce((SELECT f.failing FROM integration_failure f WHERE f.integration_id = i.id), false),
                                       EXISTS (SELECT 1 FROM sync_log l WHERE l.integration_id = i.id AND l.type = 'error' AND l.at >= ?),
                                       EXISTS (SELECT 1 FROM dead_letter d WHERE d.integration_id = i.id AND d.status = 'open')
                                FROM unnest(?) AS i(id)""")) {
            read.setTimestamp(1, Timestamp.from(today));
            read.setArray(2, c.createArrayOf("varchar", views.stream().map(IntegrationView::id).toArray()));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    boolean inboundFull = integrations.find(id).map(inboundBacklog::refusing).orElse(false);
                    indicators.put(id,
                            new Signs(true, rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4), inboundFull)
                                    .indicator());
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the health of " + views.size() + " integration(s)", e);
        }
        List<IntegrationView> withHealth = new ArrayList<>(views.size());
        for (IntegrationView view : views) {
            withHealth.add(view.withHealth(view.status() == IntegrationStatus.ACTIVE
                    ? indicators.get(view.id())
                    : new Signs(false, false, false, false, false).indicator()));
        }
        return withHealth;
    }

    private static Double roundedOrNull(BigDecimal value) {
        return value == null ? null : value.setScale(1, RoundingMode.HALF_UP).doubleValue();
    }

    /** One authenticated call to the platform; the answer says whether credentials and permissions work. */
    public ConnectionTest testConnection(String id) {
        CompiledIntegration integration = integrations.find(id)
                .orElseThrow(() -> ProblemException.notFound("No integration " + id));
        try {
            CallOutcome outcome = calls.send(integration.id(),
                    integration.connector().connectionTest(integration.context()));
            boolean ok = integration.connector().acceptsConnectionTest(outcome);
            Classification failure = ok ? null : integration.errorClassifier().classify(outcome);
            return new ConnectionTest(ok, outcome.status(), ok
                    ? "The platform answered " + outcome.status()
                    : failure.kind() == Classification.Kind.AUTH
                            ? "Authentication failed: check the credential and its permissions"
                            : failure.reason());
        } catch (Exception e) {
            return new ConnectionTest(false, 0, "The platform could not be reached: " + e.getMessage());
        }
    }
}
