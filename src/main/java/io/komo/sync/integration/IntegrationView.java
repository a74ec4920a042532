package io.komo.sync.integration;

import java.time.Instant;

/**
 * An integration as the API shows it: where it is in its lifecycle, and its definition (the shape that
 * PUT takes back).
 */
public record IntegrationView(String id, String platform, String name, IntegrationStatus status, Instant createdAt,
        Instant updatedAt, IntegrationDefinition definition) {

    static IntegrationView of(Integration integration) {
        return new IntegrationView(integration.id, integration.platform, integration.name, integration.lifecycle(),
                integration.createdAt, integration.updatedAt, DefinitionJson.read(integration.definition));
    }
}
