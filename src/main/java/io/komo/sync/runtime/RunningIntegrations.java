package io.komo.sync.runtime;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The integrations this replica runs, compiled, by id: what every stage, run and operator action looks an
 * integration up in. Only the route lifecycle ({@code integration.IntegrationRouteLifecycle}) puts and removes,
 * after it changed the integration's routes.
 */
@ApplicationScoped
public class RunningIntegrations {

    private final Map<String, CompiledIntegration> running = new ConcurrentHashMap<>();

    public Optional<CompiledIntegration> find(String integrationId) {
        return Optional.ofNullable(running.get(integrationId));
    }

    /** The ids of the integrations this replica runs. */
    public Set<String> ids() {
        return Set.copyOf(running.keySet());
    }

    public void put(CompiledIntegration integration) {
        running.put(integration.id(), integration);
    }

    public void remove(String integrationId) {
        running.remove(integrationId);
    }
}
