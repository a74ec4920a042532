package io.komo.sync.integration;

import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

/**
 * Turns stored integrations into running Camel routes and feed subscriptions. Called by the
 * integration service after every committed change of a definition or its lifecycle.
 */
public interface IntegrationRuntime {

    /** Starts, restarts or stops what runs for this integration so it matches the definition and status. */
    void apply(IntegrationDefinition definition, IntegrationStatus status);

    /** Stops everything of a removed integration. */
    void remove(String integrationId);
}
