package io.komo.sync.integration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one rule behind the health indicator, and the reasons the status gives for it. */
class HealthSignsTest {

    @Test
    void aFullInboundBacklogIsAWarningWithItsReason() {
        IntegrationHealth.Signs full = new IntegrationHealth.Signs(true, false, false, false, true);

        assertThat(full.indicator()).isEqualTo("warning");
        assertThat(full.reasons()).containsExactly("inbound backlog at its bound: new webhooks are refused with 429");
    }

    @Test
    void failingOutranksWarningsAndInactiveOutranksAllButEveryReasonIsNamed() {
        assertThat(new IntegrationHealth.Signs(true, true, true, false, true).indicator()).isEqualTo("error");
        IntegrationHealth.Signs paused = new IntegrationHealth.Signs(false, false, false, true, true);
        assertThat(paused.indicator()).isEqualTo("inactive");
        assertThat(paused.reasons()).containsExactly("not active", "open dead letters",
                "inbound backlog at its bound: new webhooks are refused with 429");
    }

    @Test
    void nothingUpIsHealthyWithoutReasons() {
        IntegrationHealth.Signs none = new IntegrationHealth.Signs(true, false, false, false, false);
        assertThat(none.indicator()).isEqualTo("healthy");
        assertThat(none.reasons()).isEmpty();
    }
}
