package io.komo.sync.contact;

import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.komo.sync.testing.ProductionPath;

/**
 * A bulk import into a contact table that outgrew its statistics analyses it first: with the planner still
 * believing the table small, each chunk of emails the import looks up was a scan of the whole table. The inbound
 * apply, which must not wait for an ANALYZE, has it refreshed in the background.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
class BulkImportStatisticsTest {

    @Inject
    DataSource dataSource;

    @Inject
    ContactStatistics statistics;

    @Test
    void aBulkImportAnalysesTheContactsWhenTheirStatisticsAreAFifthOff() throws Exception {
        // Autovacuum would analyse the table on its own within a minute: off for this test, as if slower.
        execute("ALTER TABLE contact SET (autovacuum_enabled = false)");
        try {
            execute("ANALYZE contact");
            importUntilStaleThenOneMore();
        } finally {
            execute("ALTER TABLE contact RESET (autovacuum_enabled)");
        }
    }

    @Test
    void aRefreshInTheBackgroundAnalysesStaleStatisticsWithoutTheCallerWaiting() throws Exception {
        execute("ALTER TABLE contact SET (autovacuum_enabled = false)");
        try {
            execute("ANALYZE contact");
            double analysed = plannedRows();
            int grow = (int) Math.max(1000, analysed / 5) + 200;
            insertDirectly(grow); // as the inbound apply's batches grow the table, without a word to the statistics
            await().atMost(Duration.ofSeconds(30)).until(() -> liveRows() >= analysed + grow);
            assertThat(plannedRows()).as("stale").isLessThan(analysed + grow);

            statistics.refreshIfStale();

            await().atMost(Duration.ofSeconds(30)).until(() -> plannedRows() >= analysed + grow);
        } finally {
            execute("ALTER TABLE contact RESET (autovacuum_enabled)");
        }
    }

    private void insertDirectly(int count) throws Exception {
        execute("INSERT INTO contact (id, email, created_at, updated_at) SELECT gen_random_uuid(), 'refresh-' || "
                + "gen_random_uuid() || '@example.com', now(), now() FROM generate_series(1, " + count + ")");
    }

    private void importUntilStaleThenOneMore() throws Exception {
        double analysed = plannedRows();
        int grow = (int) Math.max(1000, analysed / 5) + 200;
        for (int from = 0; from < grow; from += 5000) {
            bulk(Math.min(5000, grow - from));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> liveRows() >= analysed + grow);
        assertThat(plannedRows()).as("not analysed by the imports that made it stale").isLessThan(analysed + grow);

        bulk(1);

        assertThat(plannedRows()).as("the planner's row count after the next import")
                .isGreaterThanOrEqualTo(analysed + grow);
    }

    private static void bulk(int contacts) {
        String records = IntStream.range(0, contacts)
                .mapToObj(i -> "{\"email\": \"%s\"}".formatted(uniqueEmail("stats" + i)))
                .collect(Collectors.joining(","));
        operator().body("{\"contacts\": [" + records + "]}").post("/api/contacts/bulk").then().statusCode(200);
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            statement.execute();
        }
    }

    private double plannedRows() throws Exception {
        return number("SELECT reltuples FROM pg_class WHERE oid = 'contact'::regclass");
    }

    private double liveRows() throws Exception {
        return number("SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'contact'");
    }

    private double number(String sql) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(sql);
                ResultSet rs = read.executeQuery()) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
