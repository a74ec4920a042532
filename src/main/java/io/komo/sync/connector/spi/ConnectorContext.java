package io.komo.sync.connector.spi;

import java.util.Map;

import io.komo.sync.definition.IntegrationDefinition;

/**
 * What a connector knows of the integration it serves: the definition, and the decrypted secrets of
 * its credentials (never logged; only ever put into call headers).
 */
public record ConnectorContext(IntegrationDefinition definition, Map<String, String> credential,
        Map<String, String> webhookSecret) {

    public String integrationId() {
        return definition.id();
    }
}
