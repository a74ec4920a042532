package io.komo.sync.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.komo.sync.definition.IntegrationStatus;

class FailedAppliesTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static StoredIntegrationsWatch.Stored stored(String id, Instant updatedAt) {
        return new StoredIntegrationsWatch.Stored(id, IntegrationStatus.ACTIVE, updatedAt, null);
    }

    @Test
    void aFailedApplyIsTriedAgainAfterAWaitThatDoublesUpTo15Minutes() {
        FailedApplies failed = new FailedApplies();
        StoredIntegrationsWatch.Stored crm = stored("crm", T0);

        assertThat(failed.waiting(crm, T0)).as("never failed").isFalse();
        assertThat(failed.failed(crm, T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(failed.waiting(crm, T0.plusSeconds(29))).isTrue();
        assertThat(failed.waiting(crm, T0.plusSeconds(30))).as("tried again after 30 s").isFalse();

        Instant at = T0.plusSeconds(30);
        Duration wait = Duration.ZERO;
        for (int i = 0; i < 10; i++) {
            wait = failed.failed(crm, at);
            at = at.plus(wait);
        }
        assertThat(wait).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void aChangedStoredStateIsTriedAtOnceAndStartsFromTheFirstWait() {
        FailedApplies failed = new FailedApplies();
        failed.failed(stored("crm", T0), T0);
        failed.failed(stored("crm", T0), T0.plusSeconds(30));

        StoredIntegrationsWatch.Stored edited = stored("crm", T0.plusSeconds(40));
        assertThat(failed.waiting(edited, T0.plusSeconds(41))).isFalse();
        assertThat(failed.failed(edited, T0.plusSeconds(41))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void aSuccessOrADeletionForgetsTheFailure() {
        FailedApplies failed = new FailedApplies();
        StoredIntegrationsWatch.Stored crm = stored("crm", T0);
        StoredIntegrationsWatch.Stored erp = stored("erp", T0);
        failed.failed(crm, T0);
        failed.failed(erp, T0);

        failed.succeeded("crm");
        failed.retainAll(Set.of("crm"));

        assertThat(failed.waiting(crm, T0)).isFalse();
        assertThat(failed.waiting(erp, T0)).isFalse();
        assertThat(failed.failed(crm, T0)).as("starts over").isEqualTo(Duration.ofSeconds(30));
    }
}
