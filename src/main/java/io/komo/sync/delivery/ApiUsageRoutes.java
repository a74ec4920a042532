package io.komo.sync.delivery;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.builder.RouteBuilder;

/** Writes the API calls counted in memory to {@code api_usage}; shows in the management console. */
@ApplicationScoped
public class ApiUsageRoutes extends RouteBuilder {

    @Inject
    ApiUsage usage;

    @Override
    public void configure() {
        from("timer:api-usage.flush?period={{komo.api-usage.flush-interval}}")
                .routeId("api-usage.flush")
                .bean(usage, "flush").id("api-usage.flush.write");
    }
}
