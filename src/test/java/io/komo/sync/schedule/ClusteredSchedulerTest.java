package io.komo.sync.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quartz.CronScheduleBuilder;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;

import io.komo.sync.testing.ProductionPath;

/**
 * Two replicas' schedulers, built as the application builds its own, on the same tables of the same
 * PostgreSQL: a trigger firing every second is fired by one of them per fire time, never by both.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
class ClusteredSchedulerTest {

    private static final int FIRE_TIMES = 8;

    @Inject
    ClusteredScheduler quartz;

    @Inject
    DataSource dataSource;

    /** Stored as the job's class; the schedulers' job factory runs a recording job instead. */
    public static class Recorded implements Job {
        @Override
        public void execute(JobExecutionContext context) {
        }
    }

    @Test
    void twoClusteredSchedulersFireEachFireTimeOnce() throws Exception {
        // A cluster of its own (its own SCHED_NAME) in the application's tables, apart from the app's scheduler.
        String cluster = "komo-cluster-test-" + UUID.randomUUID();
        Map<Long, List<String>> firedBy = new ConcurrentHashMap<>();
        Scheduler a = replica(cluster, "replica-a", firedBy);
        Scheduler b = replica(cluster, "replica-b", firedBy);
        try {
            assertThat(a.getMetaData().isJobStoreClustered()).isTrue();
            a.scheduleJob(JobBuilder.newJob(Recorded.class).withIdentity("every-second", "test").build(),
                    TriggerBuilder.newTrigger().withIdentity("every-second", "test")
                            .withSchedule(CronScheduleBuilder.cronSchedule("* * * * * ?")).build());
            a.start();
            b.start();

            await().atMost(Duration.ofSeconds(60)).until(() -> firedBy.size() >= FIRE_TIMES);
            a.pauseAll();
            b.pauseAll();
            assertThat(firedBy).allSatisfy((fireTime, replicas) -> assertThat(replicas)
                    .as("replicas that fired the trigger at %d", fireTime).hasSize(1));
        } finally {
            a.shutdown(true);
            b.shutdown(true);
            forget(cluster);
        }
    }

    private Scheduler replica(String cluster, String instanceId, Map<Long, List<String>> firedBy) throws Exception {
        Scheduler scheduler = quartz.newScheduler(cluster, instanceId);
        scheduler.setJobFactory((bundle, s) -> context -> firedBy
                .computeIfAbsent(context.getScheduledFireTime().getTime(), t -> new CopyOnWriteArrayList<>())
                .add(instanceId));
        return scheduler;
    }

    /** The test cluster's rows, so repeated runs on one database do not pile them up. */
    private void forget(String cluster) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String table : List.of("qrtz_fired_triggers", "qrtz_cron_triggers", "qrtz_triggers",
                    "qrtz_job_details",
                    "qrtz_scheduler_state", "qrtz_locks")) {
                try (PreparedStatement delete = c.prepareStatement("delete from " + table + " where sched_name = ?")) {
                    delete.setString(1, cluster);
                    delete.executeUpdate();
                }
            }
        }
    }
}
