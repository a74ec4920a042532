package io.komo.sync.integration;

import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.Integration;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

import java.time.Instant;
import java.util.List;

/**
 * An integration as the API shows it: where it is in its lifecycle (with its last test sync and the lifecycle
 * steps open to it), its definition (the shape that PUT takes back), and warnings about parts of the definition
 * that are accepted but have no effect yet.
 */
public record IntegrationView(String id, String platform, String name, IntegrationStatus status, Instant createdAt,
        Instant updatedAt, IntegrationDefinition definition, List<String> warnings, TestRecord lastTest,
        List<String> nextSteps) {

    static IntegrationView of(Integration integration) {
        IntegrationDefinition definition = DefinitionJson.read(integration.definition);
        List<String> warnings = definition.conflictRulesForUnmappedFields().stream()
                .map(field -> "conflicts.fields." + field + ": no mapping maps this field (by its Komo or platform name)"
                        + " yet; the rule applies once one does")
                .toList();
        TestRecord lastTest = TestRecord.read(integration.lastTest);
        return new IntegrationView(integration.id, integration.platform, integration.name, integration.lifecycle(),
                integration.createdAt, integration.updatedAt, definition, warnings, lastTest,
                IntegrationLifecycle.nextSteps(integration.lifecycle(), lastTest != null && lastTest.passed()));
    }
}
