package io.komo.sync.observe;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.komo.sync.feed.ChangeFeedConfig;

/** In kafka mode the feed cannot move without the broker, so the replica is not ready without it. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    private static final int TIMEOUT_MS = 3000;

    @Inject
    ChangeFeedConfig feed;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private Admin admin;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("kafka").withData("mode",
                feed.mode().name().toLowerCase());
        if (feed.mode() != ChangeFeedConfig.Mode.KAFKA) {
            return response.up().withData("used", false).build();
        }
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).nodes()
                    .get(TIMEOUT_MS, TimeUnit.MILLISECONDS).size();
            return response.up().withData("brokers", nodes).withData("bootstrap", bootstrapServers).build();
        } catch (Exception e) {
            return response.down().withData("bootstrap", bootstrapServers)
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
