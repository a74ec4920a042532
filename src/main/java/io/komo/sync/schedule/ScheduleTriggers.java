package io.komo.sync.schedule;

import java.util.Set;
import java.util.TimeZone;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Keeps the persisted Quartz triggers of integration schedules true to the integrations. The job store
 * outlives every replica, and camel-quartz, once the store is clustered, neither deletes a trigger when its
 * route goes (another replica may still run it) nor replaces one whose time zone alone changed: both are
 * done here.
 */
@ApplicationScoped
public class ScheduleTriggers {

    private static final Logger LOG = Logger.getLogger(ScheduleTriggers.class);
    /** The group of every schedule's trigger and job; {@code routes/templates/schedule.yaml} names it too. */
    public static final String GROUP = "komo-schedules";

    @Inject
    ClusteredScheduler quartz;

    public static TriggerKey key(String integrationId) {
        return TriggerKey.triggerKey(integrationId, GROUP);
    }

    /**
     * Drops the stored trigger of an integration when it is not {@code cron} in {@code timeZone}, so that
     * the schedule's route stores a new one. An unchanged trigger is kept with its fire times and misfire
     * state, so a restart neither repeats nor skips a fire.
     */
    public void dropIfChanged(String integrationId, String cron, String timeZone) {
        try {
            Trigger stored = quartz.scheduler().getTrigger(key(integrationId));
            if (stored == null || isSame(stored, cron, timeZone)) {
                return;
            }
            LOG.infof("Schedule of %s changed to '%s' in %s; its trigger is replaced", integrationId, cron, timeZone);
            quartz.scheduler().deleteJob(JobKey.jobKey(integrationId, GROUP));
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not read the trigger of " + integrationId, e);
        }
    }

    static boolean isSame(Trigger stored, String cron, String timeZone) {
        return stored instanceof CronTrigger storedCron
                && normalise(storedCron.getCronExpression()).equals(normalise(cron))
                && storedCron.getTimeZone().getID().equals(TimeZone.getTimeZone(timeZone).getID());
    }

    private static String normalise(String cron) {
        return cron.trim().replaceAll("\\s+", " ");
    }

    /** Deletes an integration's trigger and job, for every replica: it was removed, paused or lost its schedule. */
    public void remove(String integrationId) {
        try {
            if (quartz.scheduler().deleteJob(JobKey.jobKey(integrationId, GROUP))) {
                LOG.infof("Schedule of %s removed", integrationId);
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not delete the trigger of " + integrationId, e);
        }
    }

    /**
     * Deletes the triggers of integrations that are no longer stored (left by a replica that stopped before
     * it could delete them), which would otherwise fire into no route at every tick. The triggers are listed
     * before the integrations are read, so one another replica creates meanwhile is never taken for stale.
     */
    public void removeOrphans(Supplier<Set<String>> storedIntegrationIds) {
        try {
            Set<TriggerKey> triggers = quartz.scheduler().getTriggerKeys(GroupMatcher.triggerGroupEquals(GROUP));
            Set<String> stored = storedIntegrationIds.get();
            for (TriggerKey trigger : triggers) {
                if (!stored.contains(trigger.getName())) {
                    LOG.infof("Schedule of %s has no integration any more; its trigger is deleted", trigger.getName());
                    quartz.scheduler().deleteJob(JobKey.jobKey(trigger.getName(), GROUP));
                }
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not clean up the schedule triggers", e);
        }
    }
}
