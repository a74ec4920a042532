package io.komo.sync.pipeline;

import java.time.Instant;
import java.util.List;

import io.komo.sync.delivery.DeadLetterStore;
import io.komo.sync.integration.CompiledIntegration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Writes the outcome of a sync step in the caller's transaction (the one that moves the cursor):
 * new merge bases and external ids, dead letters, and the integration's failure state, which raises
 * "sync failed" once when it starts failing rather than once per record.
 */
@ApplicationScoped
public class SyncRecorder {

    private static final Logger LOG = Logger.getLogger(SyncRecorder.class);

    @Inject
    SyncStateStore states;

    @Inject
    DeadLetterStore deadLetters;

    public void recordOutbound(CompiledIntegration integration, OutboundPlan plan) {
        Instant now = Instant.now();
        states.save(plan.delivered().stream()
                .map(d -> new SyncState(integration.id(), d.planned().contactId(), d.externalId(), d.planned().newBase(), now))
                .toList());
        deadLetters.add(plan.deadLetters());
        recordHealth(integration, plan.deadLetters().size(), plan.delivered().size());
    }

    void recordHealth(CompiledIntegration integration, int failed, int succeeded) {
        if (failed > 0 && integration.failures().recordFailure()) {
            LOG.warnf("sync.failed: integration %s started failing (%d records dead-lettered)", integration.id(), failed);
        } else if (failed == 0 && succeeded > 0 && integration.failures().recordSuccess()) {
            LOG.infof("Integration %s recovered", integration.id());
        }
    }

    static List<String> fields(OutboundPlan.Planned planned) {
        return List.copyOf(planned.record().fields().keySet());
    }
}
