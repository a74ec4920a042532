package io.komo.sync.schedule;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** The Quartz scheduler that fires integration schedules, clustered over the application's PostgreSQL. */
@ConfigMapping(prefix = "komo.schedules")
public interface ScheduleStoreConfig {

    /** How often a replica checks in; one silent for longer is taken as gone and its fires are recovered. */
    @WithName("cluster-checkin-interval")
    Duration clusterCheckinInterval();

    /** How late a fire may start before it counts as missed and its trigger's misfire policy applies. */
    @WithName("misfire-threshold")
    Duration misfireThreshold();

    /** Threads that run fired schedules; a firing only starts a run, which goes on elsewhere. */
    @WithName("thread-count")
    int threadCount();
}
