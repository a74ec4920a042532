package io.komo.sync.integration;

import java.time.Instant;
import java.util.List;

import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.Integration;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

/**
 * An integration as the API shows it: where it is in its lifecycle (with its last test sync and the lifecycle
 * steps open to it), its health indicator (as its status endpoint shows it: {@code healthy}, {@code warning},
 * {@code error}, {@code inactive}; see {@link IntegrationHealth#withHealth}), its definition (the shape that PUT
 * takes back), and warnings about parts of the definition that are accepted but have no effect yet.
 */
public record IntegrationView(String id, String platform, String name, IntegrationStatus status, String health,
        Instant createdAt, Instant updatedAt, IntegrationDefinition definition, List<String> warnings,
        TestRecord lastTest, List<String> nextSteps) {

    public IntegrationView withHealth(String indicator) {
        return new IntegrationView(id, platform, name, status, indicator, createdAt, updatedAt, definition, warnings,
                lastTest, nextSteps);
    }

    static IntegrationView of(Integration integration) {
        IntegrationDefinition definition = DefinitionJson.read(integration.definition);
        List<String> warnings = definition.conflictRulesForUnmappedFields().stream()
                .map(field -> "conflicts.fields." + field
                        + ": no mapping maps this field (by its Komo or platform name)"
                        + " yet; the rule applies once one does")
                .toList();
        TestRecord lastTest = TestRecord.read(integration.lastTest);
        return new IntegrationView(integration.id, integration.platform, integration.name, integration.lifecycle(),
                null,
                integration.createdAt, integration.updatedAt, definition, warnings, lastTest,
                IntegrationLifecycle.nextSteps(integration.lifecycle(), lastTest != null && lastTest.passed()));
    }
}
