package io.komo.sync.run;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A run as the API shows it, with progress: {@code processed} of {@code total} contacts looked at,
 * {@code percent}, and an {@code eta} from the rate so far (null until there is one). For a pull
 * ({@code direction: inbound}), {@code total} is the records read from the platform (null until its last page is
 * read) and {@code processed} those the inbound merge took, {@code succeeded} applied and {@code failed} given up.
 */
public record RunView(UUID id, String integrationId, String type, String direction, String status, long processed,
        long succeeded,
        long failed, Long total, Double percent, Instant eta, Instant startedAt, Instant finishedAt, String error) {

    public static RunView of(SyncRun run, Instant now) {
        Double percent = run.total == null
                ? null
                : run.total == 0 ? 100.0 : Math.min(100.0, Math.round(run.processed * 1000.0 / run.total) / 10.0);
        Instant eta = null;
        if (SyncRun.RUNNING.equals(run.status) && run.total != null && run.processed > 0 && run.processed < run.total) {
            long elapsedMs = Duration.between(run.startedAt, now).toMillis();
            eta = now.plusMillis(elapsedMs * (run.total - run.processed) / run.processed);
        }
        return new RunView(run.id, run.integrationId, run.type, run.direction, run.status, run.processed, run.succeeded,
                run.failed, run.total, percent, eta, run.startedAt, run.finishedAt, run.error);
    }
}
