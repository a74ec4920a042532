package io.komo.sync.integration;

import java.util.Map;

import io.komo.sync.connector.spi.ConnectorContext;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the context a connector works in: the definition and the decrypted secrets it refers to. */
@ApplicationScoped
public class ConnectorContexts {

    public ConnectorContext forDefinition(IntegrationDefinition definition) {
        return new ConnectorContext(definition, Map.of(), Map.of());
    }
}
