package io.komo.sync.inbound;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.camel.processor.aggregate.MemoryAggregationRepository;

/**
 * The repositories of the integrations' inbound conflict aggregators. A group lives only while its claim's transaction
 * does — claimed, folded, completed and applied in one — so it is kept in memory: what makes it durable is the stored
 * event it came from, which stays unclaimed until that transaction commits. A claim that failed half way may have left
 * open groups behind; {@link #discardOpen} drops them before the next claim, whose events include theirs again.
 */
@ApplicationScoped
public class InboundAggregations {

    /** Camel's in-memory repository, with a way to empty it. */
    public static final class Repository extends MemoryAggregationRepository {

        void discardAll() {
            getKeys().forEach(key -> remove(null, key, null));
        }
    }

    private final Map<String, Repository> byIntegration = new ConcurrentHashMap<>();

    /** The integration's repository, bound by the route lifecycle under {@code <id>.inbound-aggregation}. */
    public Repository repository(String integrationId) {
        return byIntegration.computeIfAbsent(integrationId, id -> new Repository());
    }

    /** Drops the integration's open groups: they belong to a claim that was rolled back. */
    void discardOpen(String integrationId) {
        Repository repository = byIntegration.get(integrationId);
        if (repository != null) {
            repository.discardAll();
        }
    }

    /** Forgets an integration that no longer receives. */
    public void remove(String integrationId) {
        byIntegration.remove(integrationId);
    }
}
