package io.komo.sync.integration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Tells the {@link IntegrationRuntime} about committed changes. The runtime is another module's bean and
 * may be absent (a build without the engine, or tests); then the stored state is simply not run.
 */
@ApplicationScoped
class RuntimeNotifier {

    private static final Logger LOG = Logger.getLogger(RuntimeNotifier.class);

    @Inject
    Instance<IntegrationRuntime> runtime;

    void afterCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) IntegrationChanged change) {
        if (!runtime.isResolvable()) {
            LOG.debugf("No integration runtime is installed; integration %s is stored but not run",
                    change.integrationId());
            return;
        }
        try {
            if (change.isRemoval()) {
                runtime.get().remove(change.integrationId());
            } else {
                runtime.get().apply(change.definition(), change.status());
            }
        } catch (RuntimeException e) {
            // The change is committed and stays; the runtime reports its own health for the integration.
            LOG.errorf(e, "The runtime could not apply the committed change of integration %s", change.integrationId());
        }
    }
}
