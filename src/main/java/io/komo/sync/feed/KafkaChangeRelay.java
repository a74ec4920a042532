package io.komo.sync.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Outbox;
import io.komo.sync.errors.ChangeFeedDeliveryException;

/**
 * Relays the outbox to Kafka, keyed by contact id so one contact's changes stay in order on one
 * partition. Rows are marked published in the transaction that sent them, after the broker
 * acknowledged each: a crash between the two sends again (at-least-once, consumers dedup by event id).
 * One replica relays at a time (a transaction-scoped advisory lock), which keeps the topic in outbox order.
 */
@ApplicationScoped
public class KafkaChangeRelay {

    static final long RELAY_LOCK = 0x6b6f6d6f6b6166L;
    /** The route that publishes one event to the topic; its id shows in the management console. */
    public static final String PUBLISH_ENDPOINT = "direct:change-feed.kafka-publish";

    @Inject
    DataSource dataSource;

    @Inject
    Outbox outbox;

    @Inject
    ProducerTemplate producer;

    @Inject
    ChangeFeedConfig config;

    /** Publishes one batch of unpublished events; the number published. Called by the relay route. */
    public int relay() {
        return QuarkusTransaction.requiringNew().call(this::publishBatch);
    }

    private int publishBatch() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!tryLock(connection)) {
                return 0;
            }
            List<ChangeEvent> events = outbox.readUnpublished(connection, config.batchSize());
            for (ChangeEvent event : events) {
                Exchange result = producer.send(PUBLISH_ENDPOINT, exchange -> {
                    exchange.getMessage().setBody(event.payload());
                    exchange.getMessage().setHeaders(new HashMap<>(headers(event)));
                    exchange.getMessage().setHeader(KafkaConstants.KEY, event.contactId().toString());
                });
                if (result.getException() != null) {
                    throw new ChangeFeedDeliveryException("kafka-relay", event.seq(), result.getException());
                }
            }
            if (!events.isEmpty()) {
                outbox.markPublished(connection, events);
            }
            return events.size();
        }
    }

    private static boolean tryLock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            lock.setLong(1, RELAY_LOCK);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The headers that describe one event (Kafka record headers). */
    private static Map<String, Object> headers(ChangeEvent event) {
        // Strings throughout: Kafka headers are bytes, and text is what every consumer can read.
        return Map.of(CamelNames.Feed.SEQ, Long.toString(event.seq()), CamelNames.Feed.EVENT_ID, event.id().toString(),
                CamelNames.Feed.EVENT_TYPE, event.type(), CamelNames.Feed.CONTACT_ID, event.contactId().toString(),
                CamelNames.Feed.CHANGED_FIELDS, String.join(",", event.changedFields()),
                CamelNames.Feed.OCCURRED_AT, event.occurredAt().toString());
    }
}
