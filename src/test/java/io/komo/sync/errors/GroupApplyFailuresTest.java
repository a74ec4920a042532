package io.komo.sync.errors;


import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupApplyFailuresTest {

    private final GroupApplyFailures failures = new GroupApplyFailures(3);

    @Test
    void aGroupIsGivenUpAfterItsLastAttemptWithTheLastError() {
        failures.failed("g-1", new IllegalStateException("first"));
        failures.failed("g-1", new IllegalStateException("second"));
        assertThat(failures.givenUp("g-1")).as("attempts left").isEmpty();
        failures.failed("g-1", new IllegalArgumentException("third"));
        assertThat(failures.givenUp("g-1")).hasValueSatisfying(f -> {
            assertThat(f.attempts()).isEqualTo(3);
            assertThat(f.lastError()).isEqualTo("IllegalArgumentException: third");
        });
        assertThat(failures.givenUp("g-2")).as("other groups are not affected").isEmpty();
    }

    @Test
    void aGroupForgottenStartsCountingAfresh() {
        for (int i = 0; i < 3; i++) {
            failures.failed("g-1", new IllegalStateException("boom"));
        }
        failures.forget("g-1");
        failures.failed("g-1", new IllegalStateException("boom"));
        assertThat(failures.givenUp("g-1")).isEmpty();
    }
}
