package io.komo.sync.observe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** Housekeeping of the sync logs; shows in the management console with its runs and failures. */
@ApplicationScoped
public class SyncLogRoutes extends RouteBuilder {

    @Inject
    SyncLogRetention retention;

    @Override
    public void configure() {
        from("timer:sync-log.retention?delay={{komo.logs.retention-first-run-delay}}&period={{komo.logs.retention-interval}}")
                .routeId("sync-log.retention")
                .bean(retention, "deleteExpired").id("sync-log.retention.delete-expired");
    }
}
