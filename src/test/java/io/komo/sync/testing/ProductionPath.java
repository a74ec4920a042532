package io.komo.sync.testing;

/**
 * The tag of the test classes CI runs a second time on the production path (.ci/run's second phase: this machine's
 * PostgreSQL server and a Kafka broker process), rather than the whole suite twice: the change feed over Kafka, and
 * what depends on the database server's behaviour under concurrency (replicas, advisory and row locks, the clustered
 * scheduler, statistics after an import, batched inbound apply, cursors).
 */
public final class ProductionPath {

    public static final String TAG = "production-path";

    private ProductionPath() {
    }
}
