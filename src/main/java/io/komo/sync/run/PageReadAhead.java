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

import io.komo.sync.run.ContactBatches.ChangePage;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads a backfill's next page of contacts while the current batch is delivered and recorded, so that
 * PostgreSQL builds the next page on one core while the pipeline works on the other. It only reads:
 * the run's checkpoint still moves in the transaction that records a batch, and a page read ahead is
 * used only when the run asks for exactly that page (after the same contact, same period and size).
 * After a batch that rolled back, the run asks again for the page after its committed checkpoint, and
 * what was read ahead is dropped.
 */
@ApplicationScoped
public class PageReadAhead {

    /** A page of a run: live contacts after {@code afterId} (null = from the start), updated in [from, to) when set. */
    public record PageRequest(UUID afterId, Instant from, Instant to, int size) {
    }

    private record Pending(PageRequest request, Future<ChangePage> page) {
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

    /** The run's page: the one read ahead when it is exactly this page, else read now. */
    public ChangePage page(UUID runId, PageRequest request) {
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
        return reader.apply(request);
    }

    /** Starts reading the run's next page, replacing whatever was read ahead for it before. */
    public void readAhead(UUID runId, PageRequest next) {
        Pending previous = pending.put(runId, new Pending(next, executor.submit(() -> reader.apply(next))));
        if (previous != null) {
            previous.page().cancel(false);
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
