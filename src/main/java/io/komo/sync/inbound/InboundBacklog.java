package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.delivery.ApiUsage;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * The bound on each integration's inbound backlog: what its platform pushed and Komo has not applied yet. Past the
 * bound, {@code POST /webhooks/{id}} answers 429 with Retry-After ({@link InboundWebhooks}), so a burst shows as the
 * platform's retries instead of minutes of hidden lag.
 *
 * <p>What counts against the bound: webhooks stored and not applied yet (an event stays unclaimed until the batch that
 * applies it commits). Pages a pull stored are Komo's own reads, never refused by it; they count in the
 * lag the status shows. How the backlog is kept without a count per request: {@link BacklogCounter}. The counts are
 * read by the route {@code inbound-backlog.refresh} every {@code komo.inbound.backlog-refresh-interval} ms, for all
 * integrations in one grouped query over the index of waiting rows.
 *
 * <p>Metrics: {@code komo_inbound_backlog{integration}} (as the bound sees it), {@code
 * komo_inbound_oldest_waiting_seconds{integration}} and {@code komo_inbound_webhooks_refused_total{integration}}.
 */
@ApplicationScoped
public class InboundBacklog {

    private static final Logger LOG = Logger.getLogger(InboundBacklog.class);
    static final String BACKLOG_METRIC = "komo.inbound.backlog";
    static final String OLDEST_METRIC = "komo.inbound.oldest.waiting.seconds";
    static final String REFUSED_METRIC = "komo.inbound.webhooks.refused";

    /**
     * What the status shows of an integration's inbound side.
     *
     * @param backlog              pushed webhooks waiting to be applied (what the bound counts)
     * @param maxBacklog           the bound: past it, webhooks are refused with 429
     * @param pulledPagesWaiting   pages a pull stored and not applied yet (not bounded)
     * @param oldestWaitingSeconds how long the oldest waiting webhook, page or change has waited; null when none
     * @param appliedPerSecond     webhooks claimed per second over the last 10 s
     * @param refusing             the backlog is at its bound: new webhooks are refused now
     * @param refusedToday         webhooks refused with 429 today (UTC), all replicas
     */
    public record Lag(long backlog, long maxBacklog, long pulledPagesWaiting, Long oldestWaitingSeconds,
            double appliedPerSecond, boolean refusing, long refusedToday) {
    }

    private final Map<String, BacklogCounter> counters = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> meters = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();
    private volatile Instant lastCount;

    @ConfigProperty(name = "komo.inbound.max-backlog")
    long defaultMaxBacklog;

    @ConfigProperty(name = "komo.inbound.retry-after-max")
    Duration retryAfterMax;

    @Inject
    DataSource dataSource;

    @Inject
    RunningIntegrations integrations;

    @Inject
    MeterRegistry registry;

    @Inject
    ApiUsage usage;

    /** The integration's bound: its definition's {@code inbound.maxBacklog}, else {@code komo.inbound.max-backlog}. */
    public long maxBacklog(CompiledIntegration integration) {
        IntegrationDefinition.Inbound inbound = integration.definition().inbound();
        return inbound != null && inbound.maxBacklog() != null ? inbound.maxBacklog() : defaultMaxBacklog;
    }

    /** Whether one more webhook of the integration may be stored now; no database call. */
    BacklogCounter.Admission admit(CompiledIntegration integration) {
        return counter(integration.id()).admit(maxBacklog(integration), Math.max(1, retryAfterMax.toSeconds()));
    }

    /** A webhook of the integration was stored, and its transaction committed. */
    void accepted(String integrationId) {
        counter(integrationId).accepted();
    }

    /** A webhook of the integration was refused with 429. */
    void refused(String integrationId) {
        registry.counter(REFUSED_METRIC, "integration", integrationId).increment();
        usage.inboundRefused(integrationId);
    }

    /** Whether the integration's backlog is at its bound, refusing new webhooks; in memory, for the health list. */
    public boolean refusing(CompiledIntegration integration) {
        return receives(integration) && counter(integration.id()).backlog() >= maxBacklog(integration);
    }

    /** The integration's inbound lag, empty for one that only sends. */
    public Optional<Lag> lag(CompiledIntegration integration) {
        if (!receives(integration)) {
            return Optional.empty();
        }
        BacklogCounter counter = counter(integration.id());
        BacklogCounter.Count count = counter.lastCount();
        long backlog = counter.backlog();
        long maxBacklog = maxBacklog(integration);
        return Optional.of(new Lag(backlog, maxBacklog, count.pulledPages(), waitedSeconds(count),
                Math.round(counter.appliedPerSecond() * 10) / 10.0, backlog >= maxBacklog,
                usage.today(integration.id()).inboundRefused()));
    }

    /**
     * Counts what waits, for every integration that receives, and hands each count to its counter. Called by the
     * route {@code inbound-backlog.refresh}; a failed count leaves the last one in place (and is logged) until the
     * next succeeds.
     */
    public void refresh() {
        Set<String> receiving = integrations.ids().stream()
                .filter(id -> integrations.find(id).filter(InboundBacklog::receives).isPresent())
                .collect(Collectors.toSet());
        counters.keySet().stream().filter(id -> !receiving.contains(id)).toList().forEach(this::forget);
        Map<String, Long> acceptedBefore = new HashMap<>();
        receiving.forEach(id -> acceptedBefore.put(id, counter(id).acceptedSoFar()));
        Instant now = clock.instant();
        Instant since = lastCount != null ? lastCount : now;
        Map<String, BacklogCounter.Count> counts;
        try {
            counts = count(since);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Could not count the inbound backlogs; keeping the last counts: %s", e.getMessage());
            return;
        }
        lastCount = now;
        acceptedBefore.forEach((id, accepted) -> counters.get(id).counted(accepted,
                counts.getOrDefault(id, BacklogCounter.Count.NONE), now));
    }

    private Map<String, BacklogCounter.Count> count(Instant since) throws SQLException {
        Map<String, BacklogCounter.Count> counts = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement waiting = c.prepareStatement("""
                        SELECT integration_id, count(*) FILTER (WHERE run_id IS NULL),
                               count(*) FILTER (WHERE run_id IS NOT NULL),
                               count(*) FILTER (WHERE run_id IS NULL AND received_at >= ?), min(received_at)
                        FROM webhook_delivery WHERE direction = 'inbound' AND status = 'received'
                        GROUP BY integration_id""")) {
            waiting.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = waiting.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), new BacklogCounter.Count(rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        }
        return counts;
    }

    private Long waitedSeconds(BacklogCounter.Count count) {
        return count.oldestWaiting() == null
                ? null
                : Math.max(0, Duration.between(count.oldestWaiting(), clock.instant()).toSeconds());
    }

    private static boolean receives(CompiledIntegration integration) {
        return integration.definition().directionOrDefault().receivesFromExternal();
    }

    private BacklogCounter counter(String integrationId) {
        return counters.computeIfAbsent(integrationId, id -> {
            BacklogCounter counter = new BacklogCounter();
            meters.put(id, List.of(
                    Gauge.builder(BACKLOG_METRIC, counter, BacklogCounter::backlog).tag("integration", id)
                            .description("Inbound webhooks waiting to be applied")
                            .register(registry),
                    Gauge.builder(OLDEST_METRIC, counter, c -> {
                        Long waited = waitedSeconds(c.lastCount());
                        return waited == null ? 0 : waited;
                    }).tag("integration", id).description("How long the oldest waiting inbound change has waited")
                            .register(registry)));
            return counter;
        });
    }

    /** An integration that is gone, or no longer receives: its counter and meters go with it. */
    private void forget(String integrationId) {
        counters.remove(integrationId);
        List<Meter> gone = meters.remove(integrationId);
        if (gone != null) {
            gone.forEach(registry::remove);
        }
        registry.find(REFUSED_METRIC).tag("integration", integrationId).meters().forEach(registry::remove);
    }
}
