package io.komo.sync.integration;

import java.util.Optional;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.listeners.TriggerListenerSupport;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.Integration;
import io.komo.sync.schedule.ClusteredScheduler;
import io.komo.sync.schedule.ScheduleTriggers;

/**
 * A schedule's trigger is shared by all replicas, but a replica learns of an integration another one
 * created or changed only at its next start. When a schedule fires on a replica without that schedule's
 * route, the replica first catches up on the stored integration, so the fire reaches its route instead of
 * being lost; a trigger whose integration is no longer stored (or no longer scheduled) is deleted instead.
 */
@ApplicationScoped
class ScheduleCatchUp extends TriggerListenerSupport {

    private static final Logger LOG = Logger.getLogger(ScheduleCatchUp.class);

    @Inject
    CamelContext camel;

    @Inject
    IntegrationRouteLifecycle integrations;

    @Inject
    ScheduleTriggers triggers;

    @Inject
    ClusteredScheduler quartz;

    /** Before the scheduler starts (ClusteredScheduler, same event, later priority). */
    void listen(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 150) StartupEvent start)
            throws SchedulerException {
        quartz.scheduler().getListenerManager().addTriggerListener(this,
                GroupMatcher.triggerGroupEquals(ScheduleTriggers.GROUP));
    }

    @Override
    public String getName() {
        return "komo-schedule-catch-up";
    }

    @Override
    public boolean vetoJobExecution(Trigger trigger, JobExecutionContext context) {
        String integrationId = trigger.getKey().getName();
        String routeId = CamelNames.routeId(integrationId, CamelNames.SCHEDULE);
        if (camel.getRoute(routeId) != null) {
            return false;
        }
        Optional<Integration> stored = QuarkusTransaction.requiringNew()
                .call(() -> Integration.<Integration>findByIdOptional(integrationId));
        if (stored.isEmpty()) {
            LOG.infof("Schedule of %s fired but the integration is gone; its trigger is deleted", integrationId);
            triggers.remove(integrationId);
            return true;
        }
        LOG.infof("Schedule of %s fired on a replica that did not run it yet; catching up on the stored integration",
                integrationId);
        try {
            integrations.apply(DefinitionJson.read(stored.get().definition), stored.get().lifecycle());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Integration %s could not be started; its schedule's fire is skipped", integrationId);
            return true;
        }
        // Paused or unscheduled as stored: applying it deleted the trigger, and this fire goes nowhere.
        return camel.getRoute(routeId) == null;
    }
}
