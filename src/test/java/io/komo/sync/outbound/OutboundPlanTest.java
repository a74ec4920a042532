package io.komo.sync.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.runtime.CompiledIntegration;

class OutboundPlanTest {

    private static CompiledIntegration compiled(String id) {
        IntegrationDefinition definition = new IntegrationDefinition(id, "webhook", null, null, null, null, null, null,
                null,
                null, null, null, null, null, null, null, null, null, null);
        return new CompiledIntegration(definition, null, null, null, null, null, null, null, null, null, 1000);
    }

    @Test
    void aPlanMadeAheadHoldsForTheSameAttemptWhileItsIntegrationRunsUnchanged() {
        CompiledIntegration running = compiled("crm");

        assertThat(new OutboundPlan(running, 1).holdsFor(running, 1)).isTrue();
    }

    @Test
    void anIntegrationCompiledAgainInBetweenOrAnotherAttemptIsPlannedAfresh() {
        CompiledIntegration before = compiled("crm");
        CompiledIntegration updated = compiled("crm");
        OutboundPlan plan = new OutboundPlan(before, 1);

        assertThat(plan.holdsFor(updated, 1)).as("the same definition compiled again").isFalse();
        assertThat(plan.holdsFor(before, 2)).as("a later attempt").isFalse();
    }
}
