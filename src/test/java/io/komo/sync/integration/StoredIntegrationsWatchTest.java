package io.komo.sync.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.integration.StoredIntegrationsWatch.Stored;
import io.komo.sync.runtime.ConnectorContexts;

class StoredIntegrationsWatchTest {

    private static final Instant T1 = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(30);

    private static IntegrationDefinition definition(String name) {
        return new IntegrationDefinition("crm", "webhook", name, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    @Test
    void onlyIntegrationsWhoseChangeTimesMovedAreLookedAt() {
        Stored unchanged = new Stored("a", IntegrationStatus.ACTIVE, T1, null);
        Stored edited = new Stored("b", IntegrationStatus.ACTIVE, T2, null);
        Stored rotated = new Stored("c", IntegrationStatus.ACTIVE, T1, T2);
        Stored created = new Stored("d", IntegrationStatus.DRAFT, T2, null);
        Map<String, Stored> seen = Map.of("a", unchanged, "b", new Stored("b", IntegrationStatus.ACTIVE, T1, null),
                "c", new Stored("c", IntegrationStatus.ACTIVE, T1, T1));

        assertThat(StoredIntegrationsWatch.changedSinceSeen(List.of(unchanged, edited, rotated, created), seen))
                .extracting(Stored::id).containsExactly("b", "c", "d");
    }

    private static ConnectorContext context(IntegrationDefinition definition, String secret) {
        return ConnectorContexts.of(definition, Map.of(), Map.of("secret", secret));
    }

    @Test
    void aStoredStateThatDiffersFromTheRunningOneIsApplied() {
        IntegrationDefinition x = definition("x");
        assertThat(StoredIntegrationsWatch.mustApply(x, IntegrationStatus.PAUSED, x, IntegrationStatus.ACTIVE,
                context(x, "s"), context(x, "s"))).as("paused on another replica").isTrue();
        IntegrationDefinition edited = definition("edited");
        assertThat(StoredIntegrationsWatch.mustApply(edited, IntegrationStatus.ACTIVE, x, IntegrationStatus.ACTIVE,
                context(edited, "s"), context(x, "s"))).as("edited on another replica").isTrue();
    }

    @Test
    void aChangeThisReplicaAlreadyRunsIsNotAppliedAgain() {
        IntegrationDefinition x = definition("x");
        assertThat(StoredIntegrationsWatch.mustApply(x, IntegrationStatus.ACTIVE, definition("x"),
                IntegrationStatus.ACTIVE,
                context(x, "s"), context(definition("x"), "s"))).isFalse();
    }

    @Test
    void rotatedOrRemovedCredentialsRestartTheIntegration() {
        IntegrationDefinition x = definition("x");
        assertThat(StoredIntegrationsWatch.mustApply(x, IntegrationStatus.ACTIVE, x, IntegrationStatus.ACTIVE,
                context(x, "rotated"), context(x, "s"))).isTrue();
        assertThat(StoredIntegrationsWatch.mustApply(x, IntegrationStatus.ACTIVE, x, IntegrationStatus.ACTIVE,
                ConnectorContexts.of(x, Map.of(), Map.of()), context(x, "s"))).isTrue();
    }

    @Test
    void integrationsRunningHereThatAreNotStoredAreRemoved() {
        assertThat(StoredIntegrationsWatch.removed(List.of(new Stored("a", IntegrationStatus.ACTIVE, T1, null)),
                Set.of("a", "gone"))).containsExactly("gone");
    }
}
