package io.komo.sync.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class GroupApplyFailuresTest {

    @Inject
    GroupApplyFailures failures;

    @Inject
    DataSource dataSource;

    @Test
    void aGroupIsGivenUpAfterItsLastAttemptWithTheLastError() {
        String group = group();
        for (int i = 1; i < GroupApplyFailures.MAX_ATTEMPTS; i++) {
            failures.failed("crm", group, new IllegalStateException("attempt " + i));
        }
        assertThat(givenUp(failures, group)).as("attempts left").isEmpty();
        failures.failed("crm", group, new IllegalArgumentException("last"));
        assertThat(givenUp(failures, group)).hasValueSatisfying(f -> {
            assertThat(f.attempts()).isEqualTo(GroupApplyFailures.MAX_ATTEMPTS);
            assertThat(f.lastError()).isEqualTo("IllegalArgumentException: last");
        });
        assertThat(givenUp(failures, group())).as("other groups are not affected").isEmpty();
    }

    @Test
    void attemptsCountEvenWhenTheFailedTransactionRollsBackAndOutliveTheProcessThatCountedThem() {
        String group = group();
        for (int i = 0; i < GroupApplyFailures.MAX_ATTEMPTS; i++) {
            // The apply that failed counts its failure and throws: its own transaction rolls back.
            assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                IllegalStateException failure = new IllegalStateException("boom");
                failures.failed("crm", group, failure);
                throw failure;
            })).hasMessage("boom");
        }
        GroupApplyFailures afterRestart = new GroupApplyFailures();
        afterRestart.dataSource = dataSource;
        assertThat(givenUp(afterRestart, group)).as("a new process sees the attempts of the one before")
                .hasValueSatisfying(f -> assertThat(f.attempts()).isEqualTo(GroupApplyFailures.MAX_ATTEMPTS));
    }

    @Test
    void aGroupForgottenStartsCountingAfresh() {
        String group = group();
        for (int i = 0; i < GroupApplyFailures.MAX_ATTEMPTS; i++) {
            failures.failed("crm", group, new IllegalStateException("boom"));
        }
        QuarkusTransaction.requiringNew().run(() -> failures.forget(List.of(group)));
        failures.failed("crm", group, new IllegalStateException("boom"));
        assertThat(givenUp(failures, group)).isEmpty();
    }

    private static String group() {
        return "group-" + UUID.randomUUID();
    }

    /** The group's failures once it is given up; empty while it has attempts left. */
    private static Optional<GroupApplyFailures.Failures> givenUp(GroupApplyFailures failures, String group) {
        return Optional.ofNullable(failures.recorded(List.of(group)).get(group))
                .filter(GroupApplyFailures.Failures::givenUp);
    }
}
