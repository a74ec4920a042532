package io.komo.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.komo.sync.outbound.OutboundPlan;
import io.komo.sync.run.ContactBatches.ChangePage;
import io.komo.sync.run.PageReadAhead.PageRequest;

class PageReadAheadTest {

    private static final UUID RUN = UUID.randomUUID();
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Thread testThread = Thread.currentThread();
    /** Reads the batch itself had to make, on its own thread: the pages the read-ahead did not serve. */
    private final List<PageRequest> readsInBatch = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failNextRead = new AtomicBoolean();
    private final PageReadAhead pages = new PageReadAhead(request -> {
        if (Thread.currentThread() == testThread) {
            readsInBatch.add(request);
        }
        if (failNextRead.getAndSet(false)) {
            throw new IllegalStateException("connection reset");
        }
        return new ChangePage(List.of(), request.afterId());
    }, executor);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static PageRequest after(UUID id) {
        return new PageRequest(id, FROM, null, 1000);
    }

    /** Stands for the plan of a page's batch; planning ahead needs no pipeline to be tested. */
    private static final Function<ChangePage, OutboundPlan> NO_PLAN = page -> null;

    @Test
    void thePageReadAheadServesTheRunWhenItAsksForExactlyThatPage() {
        UUID last = UUID.randomUUID();
        pages.readAhead(RUN, after(last), NO_PLAN);

        ChangePage page = pages.page(RUN, after(last)).page();

        assertThat(page.lastId()).isEqualTo(last);
        assertThat(readsInBatch).isEmpty();
    }

    @Test
    void theBatchIsPlannedAheadFromThePageReadAheadAndServedWithIt() {
        UUID last = UUID.randomUUID();
        List<ChangePage> planned = new CopyOnWriteArrayList<>();
        pages.readAhead(RUN, after(last), page -> {
            planned.add(page);
            return null;
        });

        ChangePage page = pages.page(RUN, after(last)).page();

        assertThat(planned).containsExactly(page);
    }

    @Test
    void aPlanThatFailsAheadIsLeftToTheBatchAndThePageIsStillServed() {
        UUID last = UUID.randomUUID();
        pages.readAhead(RUN, after(last), page -> {
            throw new IllegalStateException("integration not running");
        });

        PageReadAhead.ReadPage read = pages.page(RUN, after(last));

        assertThat(read.page().lastId()).isEqualTo(last);
        assertThat(read.plan()).isNull();
        assertThat(readsInBatch).isEmpty();
    }

    @Test
    void aPageReadInTheBatchComesWithoutAPlan() {
        assertThat(pages.page(RUN, after(UUID.randomUUID())).plan()).isNull();
    }

    @Test
    void afterARolledBackBatchTheRunReadsItsCheckpointsPageAgainAndTheReadAheadIsDropped() {
        UUID committed = UUID.randomUUID();
        UUID rolledBack = UUID.randomUUID();
        pages.readAhead(RUN, after(rolledBack), NO_PLAN);

        ChangePage page = pages.page(RUN, after(committed)).page();

        assertThat(page.lastId()).isEqualTo(committed);
        // Asked later for the page read ahead before the rollback, the batch reads it afresh.
        pages.page(RUN, after(rolledBack));
        assertThat(readsInBatch).containsExactly(after(committed), after(rolledBack));
    }

    @Test
    void aFailedReadAheadIsReadAgainInTheBatch() {
        UUID last = UUID.randomUUID();
        failNextRead.set(true);
        pages.readAhead(RUN, after(last), NO_PLAN);

        assertThat(pages.page(RUN, after(last)).page().lastId()).isEqualTo(last);
        assertThat(readsInBatch).containsExactly(after(last));
    }

    @Test
    void aForgottenRunReadsItsNextPageAgain() {
        UUID last = UUID.randomUUID();
        pages.readAhead(RUN, after(last), NO_PLAN);
        pages.forget(RUN);

        pages.page(RUN, after(last));

        assertThat(readsInBatch).containsExactly(after(last));
    }
}
