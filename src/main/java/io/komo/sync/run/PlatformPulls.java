package io.komo.sync.run;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.errors.Classification;
import io.komo.sync.inbound.PulledPages;
import io.komo.sync.runtime.CompiledIntegration;

/**
 * The steps of a pull (an inbound run): read one page of what the platform changed since the run's start
 * ({@code Connector.readChangedSince}) and store it for the inbound merge ({@link PulledPages}) in the step's
 * transaction, together with the run's cursor (the next page) and watermark (the newest change time read). A step
 * that fails stores nothing and moves neither, so a crash or a platform error reads the page again; no page is
 * skipped. Once the last page is stored, the run waits until the merge took every record it read, then completes.
 */
@ApplicationScoped
public class PlatformPulls {

    /**
     * What one step did.
     *
     * @param read     the records the page held (0 while the run waits for the merge)
     * @param finished the run ends; {@code error} says why when it failed
     */
    record Step(int read, boolean finished, String error) {

        static Step reading(int records) {
            return new Step(records, false, null);
        }

        static Step waiting() {
            return new Step(0, false, null);
        }

        static Step completed() {
            return new Step(0, true, null);
        }

        static Step failed(String error) {
            return new Step(0, true, error);
        }
    }

    @Inject
    ConnectorCalls calls;

    @Inject
    PulledPages pages;

    /**
     * One step of the pull: reads and stores the next page, or, all pages read, counts what the merge took.
     *
     * @param since the run reads what changed at or after this instant (null: everything)
     * @param to    a date-range pull leaves out records changed at or after this instant (null: none)
     */
    Step step(SyncRun run, CompiledIntegration integration, Instant since, Instant to) {
        if (run.total != null) {
            return merged(run);
        }
        CallOutcome outcome;
        try {
            outcome = calls.send(integration.id(),
                    integration.connector().readChangedSince(integration.context(), since,
                            run.checkpoint, integration.batchSize()));
        } catch (Exception e) {
            return failedRead(integration.errorClassifier().classify(e));
        }
        if (!outcome.isSuccess()) {
            return failedRead(integration.errorClassifier().classify(outcome));
        }
        ChangedPage page = integration.connector().changedPage(integration.context(), outcome);
        List<InboundRecord> taken = page.records().stream()
                .filter(r -> to == null || r.changedAt() == null || r.changedAt().isBefore(to)).toList();
        if (!taken.isEmpty()) {
            pages.store(run.id, integration.id(), taken);
        }
        run.watermark = newest(run.watermark, page.watermark());
        for (InboundRecord record : page.records()) {
            run.watermark = newest(run.watermark, record.changedAt());
        }
        String next = page.nextCursor();
        if (next == null || next.equals(run.checkpoint)) { // the second: a platform that does not move its cursor
            run.total = pages.progress(run.id).stored();
        } else {
            run.checkpoint = next;
        }
        return Step.reading(page.records().size());
    }

    /** The merge's progress on the run's records; the run completes when it took them all. */
    private Step merged(SyncRun run) {
        PulledPages.Progress progress = pages.progress(run.id);
        run.succeeded = progress.applied();
        run.failed = progress.failed();
        run.processed = progress.applied() + progress.failed();
        return run.processed >= run.total ? Step.completed() : Step.waiting();
    }

    /** A retryable failure rolls the step back to be tried again (see RunExecutor); any other ends the run. */
    private static Step failedRead(Classification classification) {
        if (classification.isRetryable()) {
            throw new IllegalStateException("The platform could not be read: " + classification.reason());
        }
        return Step.failed("The platform refused the read: " + classification.reason());
    }

    private static Instant newest(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }
}
