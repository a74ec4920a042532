package io.komo.sync.storage;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.api.ProblemException;

/**
 * How many of the pool's connections background work may hold while it waits on a platform. A change-feed
 * batch and a backfill batch keep their transaction, and so a connection, open through the platform call,
 * because the cursor moves in the transaction that records the result. Without a bound, slow platforms could
 * take every connection: five integrations waiting on one on a pool of four, and the API answered 500 after
 * five seconds without a connection. The last {@code komo.storage.connections-kept-for-api} connections of the
 * pool are never leased here; they stay for the API and for short housekeeping transactions.
 *
 * <p>The few API requests that wait on a platform inside their transaction (a dead-letter replay, a conflict
 * resolution, a live test sync, a drift repair) lease here too ({@link #leaseForRequest}), so that they cannot take the
 * connections kept for every other request either.
 *
 * <p>A lease counts the connection of the transaction that waits on the platform. Short reads beside it (a
 * backfill's next page, read ahead) come from the kept connections like any other short transaction.
 */
@ApplicationScoped
public class BackgroundConnections {

    private static final Logger LOG = Logger.getLogger(BackgroundConnections.class);

    private final Semaphore leases;

    @Inject
    BackgroundConnections(@ConfigProperty(name = "quarkus.datasource.jdbc.max-size", defaultValue = "20") int poolSize,
            @ConfigProperty(name = "komo.storage.connections-kept-for-api", defaultValue = "5") int keptForApi) {
        this(budget(poolSize, keptForApi));
        if (poolSize - keptForApi < 1) {
            LOG.warnf("komo.storage.connections-kept-for-api (%d) leaves no connection of the pool (%d) to background "
                    + "work; it gets one, so syncs still move", keptForApi, poolSize);
        }
    }

    BackgroundConnections(int budget) {
        // Fair: a lease freed goes to who waited longest. Unfair, a feed or run that gave its lease back and asked
        // again at once could take it over and over while other integrations' consumers waited for good.
        this.leases = new Semaphore(budget, true);
    }

    /** The pool's connections less those kept for the API; at least one, or no sync would ever move. */
    static int budget(int poolSize, int keptForApi) {
        return Math.max(1, poolSize - keptForApi);
    }

    /**
     * A lease of one connection, or empty when background work holds its whole share or others wait for one: try
     * again later. (A timed try with no wait, since the untimed one takes a free lease before those waiting.)
     */
    public Optional<Lease> tryLease() {
        try {
            return leases.tryAcquire(0, TimeUnit.MILLISECONDS) ? Optional.of(new Lease()) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A lease of one connection, waiting up to {@code wait} for one; empty when none came free in time. */
    public Optional<Lease> lease(Duration wait) throws InterruptedException {
        return leases.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS) ? Optional.of(new Lease()) : Optional.empty();
    }

    /** How long an API request that waits on a platform waits for a lease before it answers 503. */
    static final Duration REQUEST_WAIT = Duration.ofSeconds(5);

    /**
     * A lease for an API request that waits on a platform in its transaction, waiting up to five seconds;
     * when none comes free, a 503 problem that tells the caller to try again (Retry-After).
     */
    public Lease leaseForRequest() {
        try {
            Optional<Lease> lease = lease(REQUEST_WAIT);
            if (lease.isPresent()) {
                return lease.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw ProblemException.unavailable(
                "Every connection that may wait on a platform is waiting on one; try again shortly",
                REQUEST_WAIT);
    }

    /** One leased connection, given back once when closed. */
    public final class Lease implements AutoCloseable {

        private final AtomicBoolean returned = new AtomicBoolean();

        private Lease() {
        }

        @Override
        public void close() {
            if (returned.compareAndSet(false, true)) {
                leases.release();
            }
        }
    }
}
