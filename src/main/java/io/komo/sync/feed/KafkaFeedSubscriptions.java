package io.komo.sync.feed;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.errors.Backoffs;
import io.komo.sync.errors.ChangeFeedDeliveryException;
import io.komo.sync.storage.BackgroundConnections;

/**
 * The change feed of an integration in kafka mode: a Camel route {@code <integration-id>.feed} consuming
 * the topic in its own consumer group {@code komo-integration-<id>}. Replicas running the same integration
 * join the same group and share the topic's partitions; the record key (contact id) keeps one contact's
 * changes on one partition, so per-contact order holds.
 *
 * <p>Offsets are committed by hand, only after the batch's transaction (sync_state, sync_log, dead
 * letters) committed. A failed batch is not committed: the route throws, and camel-kafka's
 * {@code breakOnFirstError} (batching mode, 4.16: the consumer reconnects and resumes from the committed
 * offsets) delivers the same records again. A crash between the database commit and the offset commit
 * delivers a batch twice (at-least-once); the outbound merge against sync_state makes a change that was
 * already sent a no-op, so a redelivery sends nothing.
 *
 * <p>Unsubscribing (pause) removes the route; the group's committed offsets stay on the broker, so a
 * resume continues where it stopped and drains the changes queued meanwhile in order. Committed offsets
 * of an empty group expire after the broker's {@code offsets.retention.minutes} (7 days by default): a
 * pause longer than that restarts the integration from the newest change.
 */
@ApplicationScoped
@Named("kafkaFeedSubscriptions")
public class KafkaFeedSubscriptions {

    private static final Logger LOG = Logger.getLogger(KafkaFeedSubscriptions.class);

    /** Longest a failed batch holds the consumer thread before it is handed back for redelivery. */
    static final Duration MAX_SLEEP = Duration.ofSeconds(5);
    private static final int ADMIN_TIMEOUT_MS = 10_000;

    private final Map<String, EmbeddedChangeFeed.Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Backoffs backoffs = new Backoffs(Clock.systemUTC());

    @Inject
    CamelContext camel;

    @Inject
    BackgroundConnections connections;

    @Inject
    ProducerTemplate producer;

    @Inject
    ChangeFeedConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    public static String groupId(String consumer) {
        return "komo-" + consumer.replace(':', '-');
    }

    /**
     * Starts the consumer's route. A group that never committed starts from now: its offsets are set to
     * the topic's end before the route starts, so every change published after this call is delivered
     * (the consumer's {@code autoOffsetReset=latest} alone would skip what is published before the group
     * has its partitions). An existing group keeps its offsets, so a resume or a restart continues.
     */
    public void subscribe(EmbeddedChangeFeed.Subscription subscription) {
        String groupId = groupId(subscription.consumer());
        startGroupAtEndIfNew(groupId);
        EmbeddedChangeFeed.Subscription previous = subscriptions.put(subscription.consumer(), subscription);
        if (previous != null) {
            removeRoute(previous.routeId());
        }
        backoffs.clear(subscription.consumer());
        try {
            TemplatedRouteBuilder.builder(camel, CamelNames.KAFKA_FEED_TEMPLATE).routeId(subscription.routeId())
                    .parameter("routeId", subscription.routeId()).parameter("consumer", subscription.consumer())
                    .parameter("groupId", groupId)
                    .parameter("batchSize", Integer.toString(config.batchSize()))
                    .parameter("pollTimeoutMs", Long.toString(Math.max(100, config.pollInterval()))).add();
            if (camel.isStarted() && !camel.getRouteController().getRouteStatus(subscription.routeId()).isStarted()) {
                camel.getRouteController().startRoute(subscription.routeId());
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the Kafka feed route of " + subscription.consumer(), e);
        }
    }

    /** Stops the consumer's route; its group's committed offsets stay, so a later subscribe resumes. */
    public void unsubscribe(String consumer) {
        EmbeddedChangeFeed.Subscription removed = subscriptions.remove(consumer);
        backoffs.clear(consumer);
        if (removed != null) {
            removeRoute(removed.routeId());
        }
    }

    private void removeRoute(String routeId) {
        try {
            if (camel.getRoute(routeId) != null) {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the Kafka feed route " + routeId, e);
        }
    }

    /**
     * Delivers one polled batch (camel-kafka batching: the body is a {@code List<Exchange>}, one per record)
     * to the consumer's endpoint as a {@code List<ChangeEvent>} in a new transaction, then commits the
     * offsets. Runs on the Kafka consumer thread, which is the only thread allowed to commit.
     */
    public void deliver(String consumer, Exchange batch) throws InterruptedException {
        EmbeddedChangeFeed.Subscription subscription = subscriptions.get(consumer);
        List<?> records = batch.getMessage().getBody(List.class);
        if (subscription == null || records == null || records.isEmpty()) {
            return;
        }
        List<Exchange> exchanges = records.stream().map(Exchange.class::cast).toList();
        Duration left = backoffs.waitLeft(consumer);
        if (!left.isZero()) {
            // Still backing off (a long Retry-After): wait a little, then hand the batch back unsent.
            Thread.sleep(Math.min(left.toMillis(), MAX_SLEEP.toMillis()));
            if (backoffs.isWaiting(consumer)) {
                throw new IllegalStateException(
                        "Consumer " + consumer + " is backing off for " + backoffs.waitLeft(consumer));
            }
        }
        List<ChangeEvent> events = exchanges.stream().map(KafkaFeedSubscriptions::toEvent).toList();
        int attempt = backoffs.nextAttempt(consumer);
        Optional<BackgroundConnections.Lease> lease = connections.lease(MAX_SLEEP);
        if (lease.isEmpty()) {
            // Every connection background work may hold waits on a platform; the offsets stay where they are.
            String reason = "Consumer " + consumer + " found no connection free for background work within " + MAX_SLEEP
                    + "; its batch is read again";
            LOG.warn(reason);
            throw new IllegalStateException(reason);
        }
        try (BackgroundConnections.Lease held = lease.get()) {
            QuarkusTransaction.requiringNew().run(() -> {
                Exchange result = producer.send(subscription.endpointUri(), exchange -> {
                    exchange.getMessage().setBody(events);
                    exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, attempt);
                    exchange.getMessage().setHeader(CamelNames.Feed.CONSUMER, consumer);
                });
                if (result.getException() != null) {
                    // Rolls back what the consumer recorded; the offsets are not committed.
                    throw new ChangeFeedDeliveryException(consumer, events.get(0).seq(), result.getException());
                }
            });
        } catch (ChangeFeedDeliveryException e) {
            Duration delay = backoffs.failed(consumer, e);
            LOG.warnf("Consumer %s failed on a batch from Kafka (attempt %d), retrying in %s: %s", consumer, attempt,
                    delay, e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            Thread.sleep(Math.min(delay.toMillis(), MAX_SLEEP.toMillis()));
            throw e; // breakOnFirstError: the consumer reconnects at the committed offsets and reads the batch again
        }
        backoffs.clear(consumer);
        commit(exchanges);
    }

    /** Commits, per partition, past the batch's last record there (a batch may span partitions). */
    private static void commit(List<Exchange> exchanges) {
        Map<String, KafkaManualCommit> lastPerPartition = new LinkedHashMap<>();
        for (Exchange record : exchanges) {
            String partition = record.getMessage().getHeader(KafkaConstants.TOPIC, String.class) + "-"
                    + record.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class);
            KafkaManualCommit commit = record.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT,
                    KafkaManualCommit.class);
            if (commit != null) {
                lastPerPartition.put(partition, commit); // records of a partition arrive in offset order
            }
        }
        lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }

    /** A record as the feed's event: the payload is the value, the rest comes from the {@link CamelNames.Feed} headers. */
    static ChangeEvent toEvent(Exchange record) {
        String changed = header(record, CamelNames.Feed.CHANGED_FIELDS);
        return new ChangeEvent(Long.parseLong(header(record, CamelNames.Feed.SEQ)),
                UUID.fromString(header(record, CamelNames.Feed.EVENT_ID)), header(record, CamelNames.Feed.EVENT_TYPE),
                UUID.fromString(header(record, CamelNames.Feed.CONTACT_ID)),
                changed == null || changed.isEmpty() ? List.of() : Arrays.asList(changed.split(",")),
                record.getMessage().getBody(String.class), occurredAt(record));
    }

    /** The change's own time; records relayed before the header existed have only the relay's timestamp. */
    private static Instant occurredAt(Exchange record) {
        String occurredAt = header(record, CamelNames.Feed.OCCURRED_AT);
        if (occurredAt != null) {
            return Instant.parse(occurredAt);
        }
        Long timestamp = record.getMessage().getHeader(KafkaConstants.TIMESTAMP, Long.class);
        return timestamp == null ? Instant.now() : Instant.ofEpochMilli(timestamp);
    }

    /** Kafka header values reach Camel as bytes (the default header deserializer); the relay wrote UTF-8 text. */
    private static String header(Exchange record, String name) {
        Object value = record.getMessage().getHeader(name);
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }

    /**
     * Sets a new group's offsets to the end of every partition (creating the topic with the broker's
     * defaults if the relay has not yet). Best effort: without the broker, the consumer falls back to
     * {@code autoOffsetReset=latest}. A group that has offsets, or members, is left alone.
     */
    private void startGroupAtEndIfNew(String groupId) {
        String topic = camel.resolvePropertyPlaceholders("{{komo.feed.kafka.topic}}");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ADMIN_TIMEOUT_MS))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (committed.values().stream().anyMatch(o -> o != null)) {
                return;
            }
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all()
                        .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(topic).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).collect(Collectors.toSet());
            Map<TopicPartition, OffsetAndMetadata> ends = new LinkedHashMap<>();
            admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(groupId, ends).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            LOG.debugf("Consumer group %s starts at the end of %s: %s", groupId, topic, new ArrayList<>(ends.values()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("Could not set the start of consumer group %s on %s, it starts from the newest record: %s",
                    groupId, topic, e.getMessage());
        }
    }
}
