package io.komo.sync.feed;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.jboss.logging.Logger;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Outbox;
import io.komo.sync.errors.Backoffs;
import io.komo.sync.errors.ChangeFeedDeliveryException;
import io.komo.sync.storage.BackgroundConnections;

/**
 * The change feed without a broker: every subscribed consumer has a cursor over the outbox in
 * {@code sync_cursor}. A batch is delivered to the consumer's endpoint synchronously, as one message,
 * in one transaction with the cursor update, so what the consumer records commits with its position and a
 * crash replays the batch rather than losing it. The cursor row is locked with SKIP LOCKED, so with
 * several replicas exactly one delivers a consumer's batch.
 */
@ApplicationScoped
@Named("embeddedChangeFeed")
public class EmbeddedChangeFeed {

    /**
     * A consumer of the feed: where its events go, where it starts when it has no cursor yet, and the id
     * of the route that relays to it ({@code <integration-id>.feed}).
     */
    public record Subscription(String consumer, String endpointUri, boolean fromBeginning, String routeId) {
    }

    private static final Logger LOG = Logger.getLogger(EmbeddedChangeFeed.class);

    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Backoffs backoffs = new Backoffs(Clock.systemUTC());

    @Inject
    DataSource dataSource;

    @Inject
    Outbox outbox;

    @Inject
    ProducerTemplate producer;

    @Inject
    ChangeFeedConfig config;

    @Inject
    BackgroundConnections connections;

    @Inject
    CamelContext camel;

    /**
     * Starts delivering to a consumer. Its cursor is created here, before this returns, so "from now"
     * means every change committed after the call; an existing cursor is kept (a restart resumes).
     */
    public void subscribe(Subscription subscription) {
        QuarkusTransaction.requiringNew().run(() -> createCursor(subscription));
        Subscription previous = subscriptions.put(subscription.consumer(), subscription);
        if (previous != null) {
            removeRoute(previous.routeId());
        }
        addRoute(subscription);
    }

    public void unsubscribe(String consumer) {
        Subscription removed = subscriptions.remove(consumer);
        backoffs.clear(consumer);
        if (removed != null) {
            removeRoute(removed.routeId());
        }
    }

    /**
     * One relay route per consumer, so a slow or failing platform holds up only its own integration,
     * and each integration's feed shows in the management console under its own id.
     */
    private void addRoute(Subscription subscription) {
        try {
            TemplatedRouteBuilder.builder(camel, CamelNames.EMBEDDED_FEED_TEMPLATE).routeId(subscription.routeId())
                    .parameter("routeId", subscription.routeId()).parameter("consumer", subscription.consumer())
                    .parameter("period", Long.toString(config.pollInterval())).add();
            if (camel.isStarted() && !camel.getRouteController().getRouteStatus(subscription.routeId()).isStarted()) {
                camel.getRouteController().startRoute(subscription.routeId());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the feed route of " + subscription.consumer(), e);
        }
    }

    private void removeRoute(String routeId) {
        try {
            if (camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the feed route " + routeId, e);
        }
    }

    /**
     * Delivers the consumer's next batch unless it is backing off or background work holds all the connections
     * it may ({@link BackgroundConnections}); the number of events delivered. Called by its feed route.
     */
    public int relay(String consumer) {
        Subscription subscription = subscriptions.get(consumer);
        if (subscription == null) {
            return 0;
        }
        if (backoffs.isWaiting(consumer)) {
            return 0;
        }
        Optional<BackgroundConnections.Lease> lease = connections.tryLease();
        if (lease.isEmpty()) {
            return 0; // every connection background work may hold waits on a platform: a later poll delivers
        }
        try (BackgroundConnections.Lease held = lease.get()) {
            int attempt = backoffs.nextAttempt(consumer);
            int delivered = QuarkusTransaction.requiringNew().call(() -> deliverBatch(subscription, attempt));
            backoffs.clear(consumer);
            return delivered;
        } catch (ChangeFeedDeliveryException e) {
            int attempt = backoffs.nextAttempt(consumer);
            Duration delay = backoffs.failed(consumer, e);
            LOG.warnf("Consumer %s failed on a batch (attempt %d), retrying in %s: %s", consumer, attempt, delay,
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return 0;
        }
    }

    /**
     * Delivers the next batch as one message (a {@code List<ChangeEvent>}) and moves the cursor past it
     * in the same transaction. The attempt number travels in {@link CamelNames.Feed#ATTEMPT} so a consumer
     * can stop retrying a batch that keeps failing and dead-letter it instead.
     */
    private int deliverBatch(Subscription subscription, int attempt) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            Long position = lockCursor(connection, subscription);
            if (position == null) {
                return 0; // another replica is delivering this consumer's batch
            }
            List<ChangeEvent> events = outbox.readAfter(connection, position, config.batchSize());
            if (events.isEmpty()) {
                return 0;
            }
            Exchange result = producer.send(subscription.endpointUri(), exchange -> {
                exchange.getMessage().setBody(events);
                exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, attempt);
                exchange.getMessage().setHeader(CamelNames.Feed.CONSUMER, subscription.consumer());
            });
            if (result.getException() != null) {
                // Rolls back the batch: the cursor stays, the consumer sees these events again.
                throw new ChangeFeedDeliveryException(subscription.consumer(), events.get(0).seq(),
                        result.getException());
            }
            moveCursor(connection, subscription.consumer(), events.get(events.size() - 1).seq());
            return events.size();
        }
    }

    private void createCursor(Subscription subscription) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement create = connection.prepareStatement(
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
