package io.komo.sync.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class FailureStatesTest {

    @Inject
    FailureStates failures;

    @Inject
    DataSource dataSource;

    private String integration;

    @BeforeEach
    void integration() throws Exception {
        integration = "failing-" + UUID.randomUUID().toString().substring(0, 8);
        sql("INSERT INTO integration (id, platform, status, definition, created_at, updated_at) "
                + "VALUES (?, 'webhook', 'draft', '{}', now(), now())");
    }

    @AfterEach
    void removeIntegration() throws Exception {
        sql("DELETE FROM integration WHERE id = ?");
    }

    @Test
    void aFailingSpellStartsOnceAndEndsOnceWhoeverRecordsIt() {
        assertThat(failures.isFailing(integration)).isFalse();
        assertThat(failures.recordSuccess(integration)).as("healthy from the start: nothing ends").isFalse();
        assertThat(failures.recordFailure(integration)).as("the first failure starts the spell").isTrue();
        // Another replica, or this one after a restart, reads the same row.
        assertThat(failures.recordFailure(integration)).as("later failures of the spell raise nothing").isFalse();
        assertThat(failures.isFailing(integration)).isTrue();
        assertThat(failures.recordSuccess(integration)).isTrue();
        assertThat(failures.recordSuccess(integration)).isFalse();
        assertThat(failures.recordFailure(integration)).as("a new spell").isTrue();
    }

    @Test
    void aSpellStartedInATransactionThatRolledBackDidNotStart() {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            assertThat(failures.recordFailure(integration)).isTrue();
            throw new IllegalStateException("the batch failed to commit");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(failures.isFailing(integration)).isFalse();
        assertThat(failures.recordFailure(integration)).as("raised again, since the first event was rolled back too")
                .isTrue();
    }

    private void sql(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement update = c.prepareStatement(statement)) {
            update.setString(1, integration);
            update.executeUpdate();
        }
    }
}
