package io.komo.sync.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(
                "INSERT INTO integration (id, platform, definition, created_at, updated_at) VALUES (?, 'webhook', '{}', now(), now())")) {
            insert.setString(1, integration);
            insert.executeUpdate();
        }
    }

    /** Its definition is no integration's: left stored, every replica's watch would try to start it. */
    @AfterEach
    void removeIntegration() throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement delete = c.prepareStatement(
                "DELETE FROM integration WHERE id = ?")) {
            delete.setString(1, integration);
            delete.executeUpdate();
        }
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
        store.save(List.of(new SyncState(integration, ann, "ext-ann", Map.of("tier", "GOLD", "first_name", "Ann"), first,
                Map.of("tier", first, "first_name", first))));
        store.save(List.of(new SyncState(integration, ann, null, Map.of("tier", "SILVER", "first_name", "Ann"), later,
                Map.of("tier", later))));
        store.save(List.of(new SyncState(integration, ann, null, Map.of("tier", "SILVER", "first_name", "Ann"), later)));

        assertThat(store.load(integration, List.of(ann)).get(ann).sentAt())
                .containsExactlyInAnyOrderEntriesOf(Map.of("tier", later, "first_name", first));
        assertThat(store.findByExternalId(integration, "ext-ann").orElseThrow().sentAt()).containsEntry("tier", later);
    }
}
