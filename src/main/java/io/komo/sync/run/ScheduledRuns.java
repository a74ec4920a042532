package io.komo.sync.run;

import java.util.Date;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Header;
import org.jboss.logging.Logger;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * Starts the incremental runs a schedule fires, unless the integration is not active: one that sends Komo's changes
 * when the integration sends, one that pulls the platform's when it receives and its platform can be read; each
 * unless a run of its direction is still going. The clustered job store fires each schedule on one replica;
 * {@link RunService#startScheduled} still starts a fire time's run only once, should two replicas ever both fire it.
 */
@ApplicationScoped
@Named("scheduledRuns")
public class ScheduledRuns {

    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class);

    @Inject
    RunningIntegrations integrations;

    @Inject
    RunService runs;

    /**
     * Runs on a Quartz worker thread, which has no request context of its own for the look-up below.
     *
     * @param scheduledFireTime the fire time the cron computed (camel-quartz header), which keys the run
     */
    @ActivateRequestContext
    public void start(@Header(CamelNames.INTEGRATION) String integrationId,
            @Header("scheduledFireTime") Date scheduledFireTime) {
        Optional<CompiledIntegration> integration = integrations.find(integrationId)
                .filter(CompiledIntegration::isActive);
        if (integration.isEmpty()) {
            return;
        }
        for (String direction : runs.scheduledDirections(integration.get())) {
            start(integrationId, scheduledFireTime, direction);
        }
    }

    private void start(String integrationId, Date scheduledFireTime, String direction) {
        if (SyncRun.count("integrationId = ?1 and direction = ?2 and status = ?3", integrationId, direction,
                SyncRun.RUNNING) > 0) {
            LOG.infof("Schedule of %s fired while its %s run is still going; skipped", integrationId, direction);
            return;
        }
        try {
            if (runs.startScheduled(integrationId, scheduledFireTime.toInstant(), direction) == null) {
                LOG.debugf("Schedule of %s at %s was already started by another replica", integrationId,
                        scheduledFireTime);
            }
        } catch (RuntimeException e) {
            if (isUniqueViolation(e)) {
                LOG.debugf("Schedule of %s at %s was started by another replica", integrationId, scheduledFireTime);
            } else {
                throw e;
            }
        }
    }

    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException) {
                return true;
            }
        }
        return false;
    }
}
