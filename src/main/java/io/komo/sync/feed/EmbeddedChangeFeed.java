package io.komo.sync.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Outbox;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

/**
 * The change feed without a broker: every subscribed consumer has a cursor over the outbox in
 * {@code sync_cursor}. A batch is delivered to the consumer's endpoint synchronously, as one message,
 * in one transaction with the cursor update, so what the consumer records commits with its position and a
 * crash replays the batch rather than losing it. The cursor row is locked with SKIP LOCKED, so with
 * several replicas exactly one delivers a consumer's batch.
 */
@ApplicationScoped
public class EmbeddedChangeFeed {

    /** A consumer of the feed: where its events go and where it starts when it has no cursor yet. */
    public record Subscription(String consumer, String endpointUri, boolean fromBeginning) {
    }

    private static final Logger LOG = Logger.getLogger(EmbeddedChangeFeed.class);

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Backoff> backoffs = new ConcurrentHashMap<>();

    /** A consumer whose last batch failed waits until {@code until} before it is offered the batch again. */
    private record Backoff(int attempts, Instant until) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    Outbox outbox;

    @Inject
    ProducerTemplate producer;

    @Inject
    ChangeFeedConfig config;

    /**
     * Starts delivering to a consumer. Its cursor is created here, before this returns, so "from now"
     * means every change committed after the call; an existing cursor is kept (a restart resumes).
     */
    public void subscribe(Subscription subscription) {
        QuarkusTransaction.requiringNew().run(() -> createCursor(subscription));
        subscriptions.put(subscription.consumer(), subscription);
    }

    public void unsubscribe(String consumer) {
        subscriptions.remove(consumer);
        backoffs.remove(consumer);
    }

    /** One pass over every consumer that is not backing off; the number of events delivered. Called by the relay route. */
    public int relay() {
        int delivered = 0;
        for (Subscription subscription : subscriptions.values()) {
            Backoff backoff = backoffs.get(subscription.consumer());
            if (backoff != null && Instant.now().isBefore(backoff.until())) {
                continue;
            }
            try {
                delivered += QuarkusTransaction.requiringNew().call(() -> deliverBatch(subscription, backoff));
                backoffs.remove(subscription.consumer());
            } catch (ChangeFeedDeliveryException e) {
                int attempts = backoff == null ? 1 : backoff.attempts() + 1;
                Duration delay = e.retryAfter() != null ? e.retryAfter() : Duration.ofMillis(Math.min(60_000, 100L << Math.min(attempts, 10)));
                backoffs.put(subscription.consumer(), new Backoff(attempts, Instant.now().plus(delay)));
                LOG.warnf("Consumer %s failed on a batch (attempt %d), retrying in %s: %s", subscription.consumer(),
                        attempts, delay, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            }
        }
        return delivered;
    }

    /**
     * Delivers the next batch as one message (a {@code List<ChangeEvent>}) and moves the cursor past it
     * in the same transaction. The attempt number travels in {@link FeedHeaders#ATTEMPT} so a consumer
     * can stop retrying a batch that keeps failing and dead-letter it instead.
     */
    private int deliverBatch(Subscription subscription, Backoff backoff) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Long position = lockCursor(connection, subscription);
            if (position == null) {
                return 0; // another replica is delivering this consumer's batch
            }
            List<ChangeEvent> events = outbox.readAfter(connection, position, config.batchSize());
            if (events.isEmpty()) {
                return 0;
            }
            int attempt = backoff == null ? 1 : backoff.attempts() + 1;
            Exchange result = producer.send(subscription.endpointUri(), exchange -> {
                exchange.getMessage().setBody(events);
                exchange.getMessage().setHeader(FeedHeaders.ATTEMPT, attempt);
                exchange.getMessage().setHeader(FeedHeaders.CONSUMER, subscription.consumer());
            });
            if (result.getException() != null) {
                // Rolls back the batch: the cursor stays, the consumer sees these events again.
                throw new ChangeFeedDeliveryException(subscription.consumer(), events.get(0).seq(), result.getException());
            }
            moveCursor(connection, subscription.consumer(), events.get(events.size() - 1).seq());
            return events.size();
        }
    }

    private void createCursor(Subscription subscription) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement create = connection.prepareStatement(
                "INSERT INTO sync_cursor (consumer, position, updated_at) VALUES (?, ?, now()) ON CONFLICT DO NOTHING")) {
            long start = subscription.fromBeginning() ? 0 : outbox.lastSeq(connection);
            create.setString(1, subscription.consumer());
            create.setString(2, Long.toString(start));
            create.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create the feed cursor of " + subscription.consumer(), e);
        }
    }

    /** The consumer's position; null when another replica is delivering its batch. */
    private Long lockCursor(Connection connection, Subscription subscription) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "SELECT position FROM sync_cursor WHERE consumer = ? FOR UPDATE SKIP LOCKED")) {
            lock.setString(1, subscription.consumer());
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : null;
            }
        }
    }

    private static void moveCursor(Connection connection, String consumer, long seq) throws SQLException {
        try (PreparedStatement move = connection.prepareStatement(
                "UPDATE sync_cursor SET position = ?, updated_at = now() WHERE consumer = ?")) {
            move.setString(1, Long.toString(seq));
            move.setString(2, consumer);
            move.executeUpdate();
        }
    }
}
