package io.komo.sync.contact;

import java.util.concurrent.atomic.AtomicBoolean;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

/**
 * Keeps PostgreSQL's statistics of the contact table fresh enough for the queries that read many contacts
 * at once. Right after a large import, before autovacuum has analysed the table (it looks once a minute),
 * the planner still believed it nearly empty: a backfill read each page by scanning and sorting the whole
 * table, and a bulk import looked each chunk of 1,000 emails up by scanning it too (a first import of
 * 100,000 contacts ran at ~1,400 a second).
 */
@ApplicationScoped
public class ContactStatistics {

    /** Below this many rows of difference a stale row count changes no plan that matters. */
    private static final int FEW_ROWS = 1000;

    private static final Logger LOG = Logger.getLogger(ContactStatistics.class);

    @Inject
    EntityManager entityManager;

    @Inject
    ManagedExecutor executor;

    private final AtomicBoolean refreshing = new AtomicBoolean();

    /**
     * Like {@link #analyzeIfStale}, in a transaction of its own in the background, once at a time; the caller does
     * not wait. For a path that runs many times a second (the inbound apply) and must not stall: ANALYZE takes up to a
     * second on a table of 100,000 contacts, longer while autovacuum holds the table (ANALYZE waits for it to be
     * cancelled), and its batches run on the old statistics only until it is done.
     */
    public void refreshIfStale() {
        if (!refreshing.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.runAsync(() -> {
                try {
                    QuarkusTransaction.requiringNew().run(this::analyzeIfStale);
                } catch (RuntimeException e) {
                    LOG.warnf("Could not refresh the contact table's statistics: %s", e.getMessage());
                } finally {
                    refreshing.set(false);
                }
            });
        } catch (RuntimeException e) {
            refreshing.set(false); // the executor refused (shutting down)
            throw e;
        }
    }

    /**
     * Analyses the contact table when the planner's row count is unknown or off by more than a fifth;
     * true when it analysed. ANALYZE reads a sample of the table (0.5 s at 100,000 contacts), so the caller
     * pays for it only then.
     */
    public boolean analyzeIfStale() {
        // The live row count the statistics collector keeps (it lags by under a second), not count(*): a bulk
        // call asks every time, and counting a million contacts would cost more than the call's lookups.
        Object[] counts = (Object[]) entityManager.createNativeQuery(
                "SELECT c.reltuples, coalesce(s.n_live_tup, 0) FROM pg_class c "
                        + "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = 'contact'::regclass")
                .getSingleResult();
        if (!stale(((Number) counts[0]).doubleValue(), ((Number) counts[1]).longValue())) {
            return false;
        }
        entityManager.createNativeQuery("ANALYZE contact").executeUpdate();
        return true;
    }

    /** Whether the planner's row count (negative: never analysed) is too far from the table's. */
    static boolean stale(double plannedRows, long rows) {
        return plannedRows < 0 || Math.abs(rows - plannedRows) > Math.max(FEW_ROWS, plannedRows / 5);
    }
}
