package io.komo.sync.run;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** Drives backfills; a run left running by a stopped process is picked up again from its checkpoint. */
@ApplicationScoped
public class RunRoutes extends RouteBuilder {

    @Inject
    RunExecutor executor;

    @Override
    public void configure() {
        from("timer:sync-runs?delay=1000&period={{komo.runs.poll-interval:200}}")
                .routeId("sync-runs.executor")
                .bean(executor, "executeRunning").id("sync-runs.executor.step");
    }
}
