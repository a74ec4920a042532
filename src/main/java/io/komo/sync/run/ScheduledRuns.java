package io.komo.sync.run;

import io.komo.sync.integration.IntegrationRoutes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

/** Starts the incremental run a schedule fires, unless the integration is not active or a run is still going. */
@ApplicationScoped
@Named("scheduledRuns")
public class ScheduledRuns {

    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class);

    @Inject
    IntegrationRoutes integrations;

    @Inject
    RunService runs;

    public void start(@Header("komo-integration-id") String integrationId) {
        if (integrations.find(integrationId).filter(i -> i.isActive()).isEmpty()) {
            return;
        }
        if (SyncRun.count("integrationId = ?1 and status = ?2", integrationId, SyncRun.RUNNING) > 0) {
            LOG.infof("Schedule of %s fired while a run is still going; skipped", integrationId);
            return;
        }
        runs.start(integrationId, RunService.incremental());
    }
}
