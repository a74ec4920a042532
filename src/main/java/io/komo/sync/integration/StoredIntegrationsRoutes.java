package io.komo.sync.integration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** Brings this replica's integrations in line with the stored ones that other replicas changed. */
@ApplicationScoped
public class StoredIntegrationsRoutes extends RouteBuilder {

    @Inject
    StoredIntegrationsWatch watch;

    @Override
    public void configure() {
        // The first look waits one interval: at start every stored integration is started by IntegrationRouteLifecycle.
        from("timer:integrations.refresh?delay={{komo.integrations.refresh-interval}}&period={{komo.integrations.refresh-interval}}")
                .routeId("integrations.refresh")
                .bean(watch, "refresh").id("integrations.refresh.apply");
    }
}
