package io.komo.sync.connector.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Every connector bean by platform name. */
@ApplicationScoped
public class ConnectorRegistry {

    private final Map<String, Connector> byPlatform = new TreeMap<>();

    @Inject
    public ConnectorRegistry(@Any Instance<Connector> connectors) {
        this((Iterable<Connector>) connectors);
    }

    private ConnectorRegistry(Iterable<? extends Connector> connectors) {
        connectors.forEach(c -> byPlatform.put(c.platform(), c));
    }

    /** A registry of the given connectors, for code that runs without the application (unit tests, tools). */
    public static ConnectorRegistry of(Connector... connectors) {
        return new ConnectorRegistry(List.of(connectors));
    }

    public Optional<Connector> find(String platform) {
        return Optional.ofNullable(byPlatform.get(platform));
    }

    public Set<String> platforms() {
        return byPlatform.keySet();
    }
}
