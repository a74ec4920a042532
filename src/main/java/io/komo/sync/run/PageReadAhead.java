package io.komo.sync.run;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.outbound.OutboundPlan;
import io.komo.sync.run.ContactBatches.ChangePage;

/**
 * Reads a backfill's next page of contacts, and plans its batch, while the current batch is delivered
 * and recorded, so that PostgreSQL builds the next page while the pipeline sends, and the pipeline plans
 * while PostgreSQL records: two cores at work instead of one. It only reads and computes: the run's
 * checkpoint still moves in the transaction that records a batch, and a page read ahead is used only when
 * the run asks for exactly that page (after the same contact, same period and size). After a batch that
 * rolled back, the run asks again for the page after its committed checkpoint, and what was read ahead
 * is dropped. Planning before the current batch commits is sound because pages do not overlap: the
 * current batch writes the merge bases of its own contacts only, none of which the next page holds.
 */
@ApplicationScoped
public class PageReadAhead {

    private static final Logger LOG = Logger.getLogger(PageReadAhead.class);

    /** A page of a run: live contacts after {@code afterId} (null = from the start), updated in [from, to) when set. */
    public record PageRequest(UUID afterId, Instant from, Instant to, int size) {
    }

    /** A page, and the plan of its batch when it was made ahead (null: the batch plans it). */
    public record ReadPage(ChangePage page, OutboundPlan plan) {
    }

    private record Pending(PageRequest request, Future<ReadPage> page) {
    }

    private final Map<UUID, Pending> pending = new ConcurrentHashMap<>();
    private final Function<PageRequest, ChangePage> reader;
    private final ExecutorService executor;

    @Inject
    PageReadAhead(ContactBatches contacts) {
        this(request -> contacts.changePage(request.afterId(), request.from(), request.to(), request.size()),
                Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "komo-backfill-read-ahead");
                    thread.setDaemon(true);
                    return thread;
                }));
    }

    PageReadAhead(Function<PageRequest, ChangePage> reader, ExecutorService executor) {
        this.reader = reader;
        this.executor = executor;
    }

    /** The run's page: the one read ahead (with its plan) when it is exactly this page, else read now. */
    public ReadPage page(UUID runId, PageRequest request) {
        Pending ahead = pending.remove(runId);
        if (ahead != null && ahead.request().equals(request)) {
            try {
                return ahead.page().get();
            } catch (ExecutionException e) {
                // Read again below: a failure outside the batch's transaction should not decide its fate;
                // a failure of the batch's own read fails the batch, which the executor retries.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for a page of contacts", e);
            }
        } else if (ahead != null) {
            ahead.page().cancel(false);
        }
        return new ReadPage(reader.apply(request), null);
    }

    /**
     * Starts reading the run's next page and then planning its batch with {@code planner}, replacing
     * whatever was read ahead for the run before.
     */
    public void readAhead(UUID runId, PageRequest next, Function<ChangePage, OutboundPlan> planner) {
        Pending previous = pending.put(runId, new Pending(next, executor.submit(() -> {
            ChangePage page = reader.apply(next);
            return new ReadPage(page, planQuietly(planner, page));
        })));
        if (previous != null) {
            previous.page().cancel(false);
        }
    }

    /** A plan that fails ahead is left to the batch, where its failure fails the batch and is retried with it. */
    private static OutboundPlan planQuietly(Function<ChangePage, OutboundPlan> planner, ChangePage page) {
        try {
            return planner.apply(page);
        } catch (RuntimeException e) {
            LOG.debugf(e, "Planning ahead failed; the batch plans itself");
            return null;
        }
    }

    /** Drops what was read ahead for a run that finished or is no longer worked on here. */
    public void forget(UUID runId) {
        Pending previous = pending.remove(runId);
        if (previous != null) {
            previous.page().cancel(false);
        }
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
