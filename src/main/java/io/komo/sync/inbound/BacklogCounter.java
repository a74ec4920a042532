package io.komo.sync.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One integration's inbound backlog as one replica knows it: cheap enough to consult on every webhook, right enough to
 * bound it. {@link InboundBacklog} keeps one per integration that receives.
 *
 * <p><b>Why not count per request.</b> At thousands of webhooks a second, a {@code count(*)} over tens of thousands
 * of waiting rows on every request would cost more than the insert it guards. Instead the database is counted for
 * every integration at once every few hundred ms ({@link InboundBacklog#refresh}), and between two counts each webhook
 * this replica stores is added in memory: the backlog is <em>what the last count found + what this replica accepted
 * since</em>. Consequences, all chosen:
 * <ul>
 * <li>A restart starts from the database's count: nothing lives only in memory.</li>
 * <li>Replicas see each other's accepts at the next count, so between two counts all replicas together may go past
 * the bound by what the others accept in one interval (a soft bound: at 2,700 webhooks/s and 250 ms, some 700 a
 * replica), never more.</li>
 * <li>Applies lower the backlog only at the next count: a refusal may last one interval longer than it had to.</li>
 * <li>An accept is counted after its commit, and the accept counter is read before the count's query starts, so
 * every accept is in one of the two parts: one committed before the read is in the count; one committed between the
 * read and the query's snapshot is in both until the next count (the error is on the side of refusing).</li>
 * </ul>
 *
 * <p><b>The apply rate</b>, for Retry-After and the status, is the number of pushed webhooks that left the waiting set
 * per second over the last {@link #RATE_WINDOW}: between two counts, {@code waiting before + arrived since - waiting
 * now}. A webhook that arrived and was claimed between two counts is in neither term, so the rate errs low when there
 * is no backlog, which is when it does not matter.
 */
final class BacklogCounter {

    /** The span the apply rate is measured over: long enough to smooth the claims' steps, short enough to follow. */
    static final Duration RATE_WINDOW = Duration.ofSeconds(10);

    /**
     * What one count of the database found for the integration.
     *
     * @param pushed        webhooks stored and not applied yet (run_id null): the bounded part
     * @param pulledPages   pages a pull stored and not claimed yet: Komo's own reads, never refused, shown as lag
     * @param pushedSince   of {@code pushed}, those received since the count before this one
     * @param oldestWaiting when the oldest of all of them arrived; null when none waits
     */
    record Count(long pushed, long pulledPages, long pushedSince, Instant oldestWaiting) {

        static final Count NONE = new Count(0, 0, 0, null);
    }

    /**
     * Whether to take one more webhook; when not, how long the platform should wait before it tries again.
     *
     * @param backlog           the backlog it was decided on
     * @param retryAfterSeconds 0 when admitted
     */
    record Admission(boolean admitted, long backlog, long retryAfterSeconds) {
    }

    private record Counted(Count count, long acceptedBeforeCount, Instant at) {
    }

    private record Sample(Instant at, long drainedSoFar) {
    }

    private final AtomicLong accepted = new AtomicLong();
    private volatile Counted last = new Counted(Count.NONE, 0, null);
    private volatile double appliedPerSecond;
    /** Guarded by this: only {@link #counted} touches it, from the one refresh thread. */
    private final Deque<Sample> samples = new ArrayDeque<>();
    private long drainedSoFar;

    /** A webhook was stored (committed) by this replica. */
    void accepted() {
        accepted.incrementAndGet();
    }

    /** To be read before the count's query starts and handed to {@link #counted}. */
    long acceptedSoFar() {
        return accepted.get();
    }

    /**
     * The count read at {@code at}; {@code acceptedBeforeCount} is what {@link #acceptedSoFar} said before its query
     * started.
     */
    synchronized void counted(long acceptedBeforeCount, Count count, Instant at) {
        Counted previous = last;
        if (previous.at() != null) {
            drainedSoFar += Math.max(0, previous.count().pushed() + count.pushedSince() - count.pushed());
        }
        samples.addLast(new Sample(at, drainedSoFar));
        Instant windowStart = at.minus(RATE_WINDOW);
        // Keep the newest sample at or before the window's start, so the rate spans the whole window once it can.
        while (samples.size() > 2 && !second(samples).at().isAfter(windowStart)) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long millis = Duration.between(first.at(), at).toMillis();
        appliedPerSecond = millis <= 0 ? 0 : (drainedSoFar - first.drainedSoFar()) * 1000.0 / millis;
        last = new Counted(count, acceptedBeforeCount, at);
    }

    private static Sample second(Deque<Sample> samples) {
        Iterator<Sample> iterator = samples.iterator();
        iterator.next();
        return iterator.next();
    }

    /** Pushed webhooks waiting to be applied: the last count plus this replica's accepts since. */
    long backlog() {
        Counted counted = last;
        return counted.count().pushed() + accepted.get() - counted.acceptedBeforeCount();
    }

    /** What the last count found (before this replica's later accepts). */
    Count lastCount() {
        return last.count();
    }

    /** Pushed webhooks claimed per second over the last {@link #RATE_WINDOW}; 0 before two counts. */
    double appliedPerSecond() {
        return appliedPerSecond;
    }

    /** Takes a webhook while the backlog is under {@code bound}; past it, says when to try again. */
    Admission admit(long bound, long maxRetryAfterSeconds) {
        long backlog = backlog();
        return backlog < bound
                ? new Admission(true, backlog, 0)
                : new Admission(false, backlog,
                        retryAfterSeconds(backlog, bound, appliedPerSecond, maxRetryAfterSeconds));
    }

    /**
     * How long until, at the recent apply rate, the backlog is back under the bound with room for a tenth of it (so
     * that a platform's retries are not refused again at once): at least 1 s, at most {@code maxSeconds}, which is
     * also the answer when nothing is being applied (a paused integration, or no rate measured yet).
     */
    static long retryAfterSeconds(long backlog, long bound, double appliedPerSecond, long maxSeconds) {
        long toDrain = backlog - bound + Math.max(1, bound / 10);
        if (appliedPerSecond <= 0) {
            return maxSeconds;
        }
        long seconds = (long) Math.ceil(toDrain / appliedPerSecond);
        return Math.max(1, Math.min(maxSeconds, seconds));
    }
}
