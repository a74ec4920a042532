package io.komo.sync.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** API calls are counted once each, whether they are still in memory or already written. */
@QuarkusTest
class ApiUsageTest {

    @Inject
    ApiUsage usage;

    @Inject
    DataSource dataSource;

    @Test
    void countsAreTheSameBeforeAndAfterTheyAreWrittenAndAddUp() throws Exception {
        String integration = "usage-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 3; i++) {
            usage.requested(integration);
        }
        usage.throttled(integration);
        usage.inboundRefused(integration);
        assertThat(usage.today(integration)).isEqualTo(new ApiUsage.Day(3, 1, 1));

        usage.flush();
        assertThat(written(integration)).isEqualTo(new ApiUsage.Day(3, 1, 1));
        assertThat(usage.today(integration)).as("written counts are not counted twice")
                .isEqualTo(new ApiUsage.Day(3, 1, 1));

        usage.requested(integration);
        assertThat(usage.today(integration)).isEqualTo(new ApiUsage.Day(4, 1, 1));
        usage.flush();
        assertThat(written(integration)).isEqualTo(new ApiUsage.Day(4, 1, 1));
    }

    private ApiUsage.Day written(String integration) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT requests, throttled, inbound_refused FROM api_usage WHERE integration_id = ?")) {
            read.setString(1, integration);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next()
                        ? new ApiUsage.Day(rs.getLong(1), rs.getLong(2), rs.getLong(3))
                        : new ApiUsage.Day(0, 0, 0);
            }
        }
    }
}
