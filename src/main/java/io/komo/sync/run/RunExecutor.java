package io.komo.sync.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.filter.ContactFilter;
import io.komo.sync.filter.FilterException;
import io.komo.sync.outbound.OutboundPlan;
import io.komo.sync.outbound.OutboundStages;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.storage.BackgroundConnections;
import io.komo.sync.subscription.WebhookEventTypes;
import io.komo.sync.subscription.WebhookEvents;

/**
 * Works through running runs a step at a time: a pull's steps are {@link PlatformPulls}'. A backfill goes a batch at a time. Each batch goes through the integration's
 * outbound route in one transaction with the run's checkpoint, so a crash resumes after the last
 * committed batch and every contact is delivered at least once, in the state it had when its page was
 * read (the next page is read, and its batch planned, while the current batch is delivered and recorded:
 * {@link PageReadAhead}; it is sent only after the current batch committed, so a crash leaves at most one
 * delivered batch uncommitted).
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    /** How long one call keeps working on a run before the next run gets its turn. */
    private static final long SLICE_MS = 5000;
    /** A run's batch goes once: a failed one is retried from the checkpoint as a new first attempt. */
    private static final int FIRST_ATTEMPT = 1;

    @Inject
    RunningIntegrations integrations;

    @Inject
    PageReadAhead pages;

    @Inject
    OutboundStages stages;

    @Inject
    ProducerTemplate producer;

    @Inject
    EntityManager entityManager;

    @Inject
    ObjectMapper mapper;

    @Inject
    WebhookEvents webhookEvents;

    @Inject
    BackgroundConnections connections;

    @Inject
    PlatformPulls pulls;

    @ConfigProperty(name = "komo.runs.batch-size", defaultValue = "1000")
    int batchSize;

    private final Map<UUID, Instant> retryAt = new ConcurrentHashMap<>();

    /**
     * Advances every running run for a few seconds each, as far as background work may hold another connection
     * ({@link BackgroundConnections}); the number of contacts processed. Called by the runs route.
     */
    public int executeRunning() {
        List<UUID> running = QuarkusTransaction.requiringNew().call(
                () -> SyncRun.<SyncRun>list("status = ?1 order by startedAt", SyncRun.RUNNING).stream().map(r -> r.id)
                        .toList());
        int processed = 0;
        for (UUID runId : running) {
            Instant wait = retryAt.get(runId);
            if (wait != null && Instant.now().isBefore(wait)) {
                continue;
            }
            Optional<BackgroundConnections.Lease> lease = connections.tryLease();
            if (lease.isEmpty()) {
                continue; // every connection background work may hold waits on a platform: a later call goes on
            }
            long until = System.currentTimeMillis() + SLICE_MS;
            try (BackgroundConnections.Lease held = lease.get()) {
                int step;
                do {
                    step = QuarkusTransaction.requiringNew().call(() -> step(runId));
                    processed += Math.max(step, 0);
                } while (step > 0 && System.currentTimeMillis() < until);
                if (step == 0) {
                    pages.forget(runId);
                }
                retryAt.remove(runId);
            } catch (RuntimeException e) {
                pages.forget(runId);
                retryAt.put(runId, Instant.now().plusSeconds(2));
                LOG.warnf("Run %s will retry its batch: %s", runId, e.getMessage());
            }
        }
        return processed;
    }

    /** One batch (or pull step): the number of contacts or records looked at, 0 when the run is done, waits or is held by another replica. */
    int step(UUID runId) throws JsonProcessingException {
        List<?> locked = entityManager.createNativeQuery(
                "SELECT id FROM sync_run WHERE id = ?1 AND status = 'running' FOR UPDATE SKIP LOCKED")
                .setParameter(1, runId).getResultList();
        if (locked.isEmpty()) {
            return 0;
        }
        SyncRun run = SyncRun.findById(runId);
        Optional<CompiledIntegration> integration = integrations.find(run.integrationId);
        if (integration.isEmpty()) {
            finish(run, SyncRun.FAILED, "integration " + run.integrationId + " is not running");
            return 0;
        }
        JsonNode params = mapper.readTree(run.params);
        Instant from = instant(params, "from");
        Instant to = instant(params, "to");
        if (SyncRun.INBOUND.equals(run.direction)) {
            // A pulled page is data taken from the platform: its commit waits for the disk, as a webhook's does.
            PlatformPulls.Step pulled = pulls.step(run, integration.get(), from, to);
            if (pulled.finished()) {
                finish(run, pulled.error() == null ? SyncRun.COMPLETED : SyncRun.FAILED, pulled.error());
            }
            return pulled.read();
        }
        commitWithoutWaitingForTheDisk();
        PageReadAhead.ReadPage read = pages.page(runId, new PageReadAhead.PageRequest(
                run.checkpoint == null ? null : UUID.fromString(run.checkpoint), from, to, batchSize));
        ContactBatches.ChangePage page = read.page();
        if (page.events().isEmpty()) {
            finish(run, SyncRun.COMPLETED, null);
            return 0;
        }
        ContactFilter filter = filter(params);
        String integrationId = run.integrationId;
        pages.readAhead(runId, new PageReadAhead.PageRequest(page.lastId(), from, to, batchSize), next -> {
            List<ChangeEvent> inScope = inScope(next, filter);
            return inScope.isEmpty() ? null : stages.plan(integrationId, FIRST_ATTEMPT, null, inScope);
        });
        List<ChangeEvent> events = inScope(page, filter);
        if (!events.isEmpty()) {
            Exchange result = producer.send(CamelNames.outboundEndpoint(integrationId), exchange -> {
                exchange.getMessage().setBody(events);
                exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, FIRST_ATTEMPT);
                exchange.getMessage().setHeader(CamelNames.PLANNED_AHEAD, read.plan());
            });
            if (result.getException() != null) {
                throw new IllegalStateException("The batch after " + run.checkpoint + " failed", result.getException());
            }
            OutboundPlan plan = result.getMessage().getBody(OutboundPlan.class);
            run.succeeded += plan.delivered().size() + plan.unchanged();
            run.failed += plan.deadLetters().size();
        }
        run.processed += page.events().size();
        run.checkpoint = page.lastId().toString();
        return page.events().size();
    }

    /**
     * This batch's commit does not wait for its WAL to reach the disk ({@code synchronous_commit} off for this
     * transaction only): the wait was a tenth of a backfill batch. A crash of the database server or of its
     * machine may then lose the last batches' commits, each whole: the checkpoint with the states and log
     * entries it records, so the run resumes before them and sends them again, as it sends again a batch
     * whose commit a crash of the service interrupted (at least once, the platform's upsert making it
     * idempotent). Nothing is lost that cannot be redone from the contacts: a batch accepts no one's data.
     * Every other transaction (webhooks acknowledged, contacts written, the change feed's batches) still
     * waits for the disk.
     */
    private void commitWithoutWaitingForTheDisk() {
        entityManager.createNativeQuery("SELECT set_config('synchronous_commit', 'off', true)").getSingleResult();
    }

    /** The page's events the run's own filter (null: none) accepts. */
    private List<ChangeEvent> inScope(ContactBatches.ChangePage page, ContactFilter filter) {
        return filter == null
                ? page.events()
                : page.events().stream().filter(e -> filter.matches(json(e.payload()))).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> json(String payload) {
        try {
            return mapper.readValue(payload, Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A contact's JSON could not be read", e);
        }
    }

    /** Ends the run; a completed one raises {@code sync.completed} with the run as its data, in this transaction. */
    private void finish(SyncRun run, String status, String error) {
        run.status = status;
        run.error = error;
        run.finishedAt = Instant.now();
        if (SyncRun.COMPLETED.equals(status)) {
            if (run.total != null) {
                run.total = Math.max(run.total, run.processed);
            }
            webhookEvents.raise(WebhookEventTypes.SYNC_COMPLETED, RunView.of(run, run.finishedAt));
        }
    }

    private static Instant instant(JsonNode params, String name) {
        JsonNode value = params.get(name);
        return value == null || value.isNull() ? null : Instant.parse(value.asText());
    }

    private static ContactFilter filter(JsonNode params) {
        JsonNode expression = params.get("filter");
        if (expression == null || expression.isNull() || expression.asText().isBlank()) {
            return null;
        }
        try {
            return ContactFilter.compile(expression.asText());
        } catch (FilterException e) {
            throw new IllegalStateException("A stored run filter no longer compiles", e);
        }
    }
}
