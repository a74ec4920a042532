package io.komo.sync.integration;

import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

/**
 * Fired inside the transaction that changed an integration; {@link RuntimeNotifier} passes it on to the
 * runtime only once that transaction has committed, so the runtime never runs a change that was rolled back.
 *
 * @param definition null when the integration was removed
 */
record IntegrationChanged(String integrationId, IntegrationDefinition definition, IntegrationStatus status) {

    static IntegrationChanged removed(String integrationId) {
        return new IntegrationChanged(integrationId, null, null);
    }

    boolean isRemoval() {
        return definition == null;
    }
}
