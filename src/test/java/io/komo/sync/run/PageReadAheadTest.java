package io.komo.sync.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import io.komo.sync.run.ContactBatches.ChangePage;
import io.komo.sync.run.PageReadAhead.PageRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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

    @Test
    void thePageReadAheadServesTheRunWhenItAsksForExactlyThatPage() {
        UUID last = UUID.randomUUID();
        pages.readAhead(RUN, after(last));

        ChangePage page = pages.page(RUN, after(last));

        assertThat(page.lastId()).isEqualTo(last);
        assertThat(readsInBatch).isEmpty();
    }

    @Test
    void afterARolledBackBatchTheRunReadsItsCheckpointsPageAgainAndTheReadAheadIsDropped() {
        UUID committed = UUID.randomUUID();
        UUID rolledBack = UUID.randomUUID();
        pages.readAhead(RUN, after(rolledBack));

        ChangePage page = pages.page(RUN, after(committed));

        assertThat(page.lastId()).isEqualTo(committed);
        // Asked later for the page read ahead before the rollback, the batch reads it afresh.
        pages.page(RUN, after(rolledBack));
        assertThat(readsInBatch).containsExactly(after(committed), after(rolledBack));
    }

    @Test
    void aFailedReadAheadIsReadAgainInTheBatch() {
        UUID last = UUID.randomUUID();
        failNextRead.set(true);
        pages.readAhead(RUN, after(last));

        assertThat(pages.page(RUN, after(last)).lastId()).isEqualTo(last);
        assertThat(readsInBatch).containsExactly(after(last));
    }

    @Test
    void aForgottenRunReadsItsNextPageAgain() {
        UUID last = UUID.randomUUID();
        pages.readAhead(RUN, after(last));
        pages.forget(RUN);

        pages.page(RUN, after(last));

        assertThat(readsInBatch).containsExactly(after(last));
    }
}
