package io.komo.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.komo.sync.testing.ProductionPath;

@Tag(ProductionPath.TAG)
@QuarkusTest
class SyncStateStoreTest {

    @Inject
    SyncStateStore store;

    @Inject
    DataSource dataSource;

    private String integration;

    @BeforeEach
    void integration() throws Exception {
        integration = "state-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO integration (id, platform, definition, created_at, updated_at) VALUES (?, 'webhook', '{}', now(), now())")) {
            insert.setString(1, integration);
            insert.executeUpdate();
        }
    }

    /** Its definition is no integration's: left stored, every replica's watch would try to start it. */
    @AfterEach
    void removeIntegration() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM integration WHERE id = ? OR id = ?")) {
            delete.setString(1, integration);
            delete.setString(2, integration + "-other");
            delete.executeUpdate();
        }
    }

    /**
     * A second integration's backfill looked each of its contacts up by scanning all its states so far
     * (PostgreSQL, knowing no rows of the new integration, took the external-id index for its leading
     * integration column): each batch slower than the last, 1 s a batch at 15,000 states.
     */
    @Test
    void aBatchLooksEachContactUpByKeyWhileAnotherIntegrationHasManyStates() throws Exception {
        String other = integration + "-other";
        List<String> plan = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement sql = c.createStatement()) {
            sql.executeUpdate("INSERT INTO integration (id, platform, definition, created_at, updated_at) "
                    + "VALUES ('" + other + "', 'webhook', '{}', now(), now())");
            sql.executeUpdate(
                    "INSERT INTO sync_state (integration_id, contact_id, external_id, base_values, last_synced_at) "
                            + "SELECT '" + other
                            + "', gen_random_uuid(), 'ext-' || n, '{}', now() FROM generate_series(1, 20000) n");
            sql.execute("ANALYZE sync_state");
            try (PreparedStatement explain = c.prepareStatement("EXPLAIN " + SyncStateStore.LOAD)) {
                explain.setArray(1, c.createArrayOf("uuid", new UUID[]{UUID.randomUUID(), UUID.randomUUID()}));
                explain.setString(2, integration);
                try (ResultSet rs = explain.executeQuery()) {
                    while (rs.next()) {
                        plan.add(rs.getString(1));
                    }
                }
            }
        }

        assertThat(String.join("\n", plan)).contains("Index Cond: (((integration_id)::text = ")
                .contains("contact_id = wanted.id")
                .doesNotContain("Filter: (contact_id = wanted.id)");
    }

    @Test
    void aBatchIsWrittenAndReadBackWithItsBasesAndOnlyForTheIdsAskedFor() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Map<String, Object> annBase = new LinkedHashMap<>();
        annBase.put("email", "ann@example.com");
        annBase.put("note", "say \"hi\", {NULL}");
        annBase.put("phone", null);
        annBase.put("points", 7);
        store.save(List.of(new SyncState(integration, ann, "ext-ann", annBase, now),
                new SyncState(integration, bob, null, Map.of("email", "bob@example.com"), now)));

        Map<UUID, SyncState> loaded = store.load(integration, List.of(ann, bob, UUID.randomUUID()));

        assertThat(loaded).containsOnlyKeys(ann, bob);
        assertThat(loaded.get(ann)).isEqualTo(new SyncState(integration, ann, "ext-ann", annBase, now));
        assertThat(loaded.get(bob).externalId()).isNull();
    }

    @Test
    void anUpdateKeepsTheKnownExternalIdWhenItHasNoneAndAContactNamedTwiceKeepsItsLastState() {
        UUID ann = UUID.randomUUID();
        Instant first = Instant.now().truncatedTo(ChronoUnit.MICROS);
        store.save(List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD"), first)));

        Instant later = first.plusSeconds(5);
        store.save(List.of(new SyncState(integration, ann, null, Map.of("tier", "SILVER"), later),
                new SyncState(integration, ann, null, Map.of("tier", "PLATINUM"), later)));

        assertThat(store.load(integration, List.of(ann)).get(ann))
                .isEqualTo(new SyncState(integration, ann, "ext-ann", Map.of("tier", "PLATINUM"), later));
    }

    @Test
    void writeTimesAreAddedToPerFieldSoAWriteOfOneFieldKeepsTheOthersTimes() {
        UUID ann = UUID.randomUUID();
        Instant first = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant later = first.plusSeconds(3);
        store.save(
                List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD", "first_name", "Ann"), first,
                        Map.of("tier", first, "first_name", first))));
        store.save(List.of(new SyncState(integration, ann, null, Map.of("tier", "SILVER", "first_name", "Ann"), later,
                Map.of("tier", later))));
        store.save(
                List.of(new SyncState(integration, ann, null, Map.of("tier", "SILVER", "first_name", "Ann"), later)));

        assertThat(store.load(integration, List.of(ann)).get(ann).sentAt())
                .containsExactlyInAnyOrderEntriesOf(Map.of("tier", later, "first_name", first));
        assertThat(store.findByExternalId(integration, "ext-ann").orElseThrow().sentAt()).containsEntry("tier", later);
    }

    @Test
    void deletingAnIntegrationDeletesItsStates() throws Exception {
        UUID ann = UUID.randomUUID();
        store.save(List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD"), Instant.now())));

        deleteIntegration();

        assertThat(statesOf(integration)).isZero();
    }

    @Test
    void noStateIsWrittenForAnIntegrationThatIsNotStored() throws Exception {
        String gone = integration + "-gone";

        store.save(List.of(new SyncState(gone, UUID.randomUUID(), "ext-ann", Map.of("tier", "GOLD"), Instant.now())));

        assertThat(statesOf(gone)).isZero();
    }

    /**
     * The states' integration is locked by the batch that writes them (as a foreign key's check locks it): a
     * delete arriving meanwhile waits for the batch to commit and then deletes what it wrote, where it would
     * otherwise see none of it and leave it behind, states of an integration that no longer exists.
     */
    @Test
    void anIntegrationDeletedWhileABatchWritesItsStatesLeavesNoneBehind() throws Exception {
        deleteTheIntegrationWhileATransactionHas(() -> store.save(
                List.of(new SyncState(integration, UUID.randomUUID(), "ext-ann", Map.of("tier", "GOLD"),
                        Instant.now()))));

        assertThat(statesOf(integration)).isZero();
    }

    /** The states of contacts that had none are appended (COPY): they read back as the upsert writes them. */
    @Test
    void statesOfContactsThatHadNoneReadBackAsWrittenWhateverTheirValuesHold() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        Map<String, Object> annBase = new LinkedHashMap<>();
        annBase.put("note", "tab\there, line\nbreak\r\n back\\slash \\N \"quoted\" Zoë 名前");
        annBase.put("phone", null);
        annBase.put("points", 7);
        annBase.put("lists", List.of("a", "b"));
        SyncState annState = new SyncState(integration, ann, "ext\tann", annBase, now,
                Map.of(SyncState.EVERY_FIELD, now));
        SyncState bobState = new SyncState(integration, bob, null, Map.of("email", "bob@example.com"), now);

        QuarkusTransaction.requiringNew().run(() -> store.save(List.of(annState, bobState), Set.of(ann, bob)));

        assertThat(store.load(integration, List.of(ann, bob))).containsOnly(Map.entry(ann, annState),
                Map.entry(bob, bobState));
    }

    /**
     * A contact taken for new may have a state by the time its batch is written (the change feed's batch for it
     * committed first): the batch still commits, and that state is updated as the upsert updates it.
     */
    @Test
    void aContactTakenForNewThatHasAStateByNowIsUpdatedAndTheOthersWritten() {
        Instant first = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant later = first.plusSeconds(5);
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        store.save(
                List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD", "first_name", "Ann"), first,
                        Map.of("tier", first, "first_name", first))));

        QuarkusTransaction.requiringNew().run(() -> store.save(List.of(
                new SyncState(integration, ann, null, Map.of("tier", "SILVER"), later, Map.of("tier", later)),
                new SyncState(integration, bob, "ext-bob", Map.of("tier", "BRONZE"), later)), Set.of(ann, bob)));

        Map<UUID, SyncState> loaded = store.load(integration, List.of(ann, bob));
        assertThat(loaded.get(ann))
                .isEqualTo(new SyncState(integration, ann, "ext-ann", Map.of("tier", "SILVER"), later,
                        Map.of("tier", later, "first_name", first)));
        assertThat(loaded.get(bob))
                .isEqualTo(new SyncState(integration, bob, "ext-bob", Map.of("tier", "BRONZE"), later));
    }

    @Test
    void noStateOfAContactThatHadNoneIsWrittenForAnIntegrationThatIsNotStored() throws Exception {
        String gone = integration + "-gone";
        UUID ann = UUID.randomUUID();

        QuarkusTransaction.requiringNew().run(() -> store.save(
                List.of(new SyncState(gone, ann, "ext-ann", Map.of("tier", "GOLD"), Instant.now())), Set.of(ann)));

        assertThat(statesOf(gone)).isZero();
    }

    @Test
    void anIntegrationDeletedWhileABatchAppendsItsStatesLeavesNoneBehind() throws Exception {
        UUID ann = UUID.randomUUID();
        deleteTheIntegrationWhileATransactionHas(() -> store.save(
                List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD"), Instant.now())),
                Set.of(ann)));

        assertThat(statesOf(integration)).isZero();
    }

    /**
     * Runs {@code writes} in a transaction that stays open until another connection's delete of the integration
     * has finished or waits for a lock; returns once both are done.
     */
    private void deleteTheIntegrationWhileATransactionHas(Runnable writes) throws Exception {
        CompletableFuture<Void> deleted = new CompletableFuture<>();
        QuarkusTransaction.requiringNew().run(() -> {
            writes.run();
            CompletableFuture.runAsync(() -> {
                try {
                    deleteIntegration();
                    deleted.complete(null);
                } catch (Exception e) {
                    deleted.completeExceptionally(e);
                }
            });
            await().atMost(10, TimeUnit.SECONDS).until(() -> deleted.isDone() || deleteWaitsForALock());
        });
        deleted.get(10, TimeUnit.SECONDS);
    }

    private void deleteIntegration() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM integration WHERE id = ?")) {
            delete.setString(1, integration);
            delete.executeUpdate();
        }
    }

    private boolean deleteWaitsForALock() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM integration%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    private int statesOf(String integrationId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c
                        .prepareStatement("SELECT count(*) FROM sync_state WHERE integration_id = ?")) {
            count.setString(1, integrationId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
