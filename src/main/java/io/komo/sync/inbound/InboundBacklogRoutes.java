package io.komo.sync.inbound;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/**
 * Counts every integration's inbound backlog in the database a few times a second ({@link InboundBacklog#refresh}), so
 * that {@code /webhooks/{id}} decides without a query of its own; shows in the management console. The timer runs one
 * count at a time, so slow counts never overlap or pile up.
 */
@ApplicationScoped
public class InboundBacklogRoutes extends RouteBuilder {

    @Inject
    InboundBacklog backlog;

    @Override
    public void configure() {
        from("timer:inbound-backlog.refresh?delay=0&period={{komo.inbound.backlog-refresh-interval}}")
                .routeId("inbound-backlog.refresh")
                .bean(backlog, "refresh").id("inbound-backlog.refresh.count");
    }
}
