package io.komo.sync.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.InboundRecord;

/** The inbound aggregator's repository and strategy against the real database, as Camel's aggregator drives them. */
@QuarkusTest
class InboundAggregationRepositoryTest {

    private static final Instant T1 = Instant.parse("2026-05-01T10:00:00.123456Z");

    @Inject
    PendingChangeStore store;

    @Inject
    InboundChangeStrategy strategy;

    @Inject
    CamelContext camel;

    @Inject
    DataSource dataSource;

    private String integration;
    private InboundAggregationRepository repository;

    @BeforeEach
    void integration() throws Exception {
        integration = "agg-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO integration (id, platform, definition, created_at, updated_at) VALUES (?, 'webhook', '{}', now(), now())")) {
            insert.setString(1, integration);
            insert.executeUpdate();
        }
        repository = store.repository(integration);
    }

    private Exchange exchange(String key, Instant at, Object... fieldsAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn()
                .setBody(PendingChange.of(key, UUID.randomUUID(), new InboundRecord("ext-" + key, fields, at, false)));
        return exchange;
    }

    /** What the aggregator does with each incoming change: read the open group, fold, write it back. */
    private Exchange aggregate(String key, Exchange change) {
        Exchange group = strategy.aggregate(repository.get(camel, key), change);
        repository.add(camel, key, group);
        return group;
    }

    @Test
    void aGroupIsStoredAsJsonAndReadBackWithItsExchangeIdAndFoldedChange() {
        Exchange first = aggregate("ann",
                exchange("ann", T1, "first_name", "Ann", "points", 7, "lists", java.util.List.of("a")));
        Exchange second = exchange("ann", T1.plusSeconds(1), "first_name", "Anna", "phone", null);
        Exchange group = aggregate("ann", second);

        assertThat(group.getExchangeId()).as("the group keeps its first exchange's id")
                .isEqualTo(first.getExchangeId());
        Exchange read = repository.get(camel, "ann");
        assertThat(read.getExchangeId()).isEqualTo(first.getExchangeId());
        PendingChange change = read.getIn().getBody(PendingChange.class);
        assertThat(change).isEqualTo(group.getIn().getBody(PendingChange.class));
        assertThat(change.record().fields()).containsEntry("first_name", "Anna").containsEntry("points", 7)
                .containsEntry("lists", java.util.List.of("a")).containsEntry("phone", null);
        assertThat(change.eventIds()).hasSize(2);
        assertThat(repository.get(camel, "bob")).isNull();
    }

    @Test
    void keysAreTheOpenGroupsOfThisIntegrationOldestFirst() {
        aggregate("bob", exchange("bob", null, "tier", "GOLD"));
        aggregate("ann", exchange("ann", null, "tier", "GOLD"));
        aggregate("bob", exchange("bob", null, "tier", "SILVER"));

        assertThat(repository.getKeys()).containsExactly("bob", "ann");
        assertThat(store.repository("no-such-integration").getKeys()).isEmpty();
    }

    @Test
    void aCompletedGroupWaitsForItsConfirmationAndIsRecoverableUntilThen() {
        Exchange group = aggregate("ann", exchange("ann", T1, "tier", "GOLD"));
        Exchange completing = repository.get(camel, "ann");
        completing.setProperty(Exchange.AGGREGATED_COMPLETED_BY, "force");
        repository.remove(camel, "ann", completing);

        assertThat(repository.getKeys()).isEmpty();
        assertThat(repository.get(camel, "ann")).as("a new change of the contact starts a new group").isNull();
        assertThat(repository.scan(camel)).containsExactly(group.getExchangeId());
        Exchange recovered = repository.recover(camel, group.getExchangeId());
        assertThat(recovered.getExchangeId()).isEqualTo(group.getExchangeId());
        assertThat(recovered.getProperty(Exchange.AGGREGATED_CORRELATION_KEY)).isEqualTo("ann");
        assertThat(recovered.getProperty(Exchange.AGGREGATED_COMPLETED_BY)).isEqualTo("force");
        assertThat(recovered.getIn().getBody(PendingChange.class))
                .isEqualTo(group.getIn().getBody(PendingChange.class));

        aggregate("ann", exchange("ann", T1, "tier", "SILVER"));
        assertThat(repository.getKeys()).as("an open and a completed group of one contact can coexist")
                .containsExactly("ann");

        repository.confirm(camel, group.getExchangeId());
        assertThat(repository.scan(camel)).isEmpty();
        assertThat(repository.recover(camel, group.getExchangeId())).isNull();
        assertThat(store.take(integration, group.getExchangeId())).as("confirmed once only").isFalse();
    }

    @Test
    void whatATransactionWroteIsGoneWhenItRollsBack() {
        rolledBack(() -> aggregate("ann", exchange("ann", T1, "tier", "GOLD")));
        assertThat(repository.getKeys()).isEmpty();

        Exchange group = aggregate("ann", exchange("ann", T1, "tier", "GOLD"));
        rolledBack(() -> {
            repository.remove(camel, "ann", group);
            assertThat(store.take(integration, group.getExchangeId())).isTrue();
        });
        assertThat(repository.getKeys()).as("a group whose application rolled back is open again")
                .containsExactly("ann");
    }

    private static void rolledBack(Runnable work) {
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            work.run();
            throw new IllegalStateException("roll back");
        })).hasMessage("roll back");
    }
}
