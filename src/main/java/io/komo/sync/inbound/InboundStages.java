package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.contact.EmailAddresses;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.errors.DeadLetterChannel;
import io.komo.sync.errors.GroupApplyFailures;
import io.komo.sync.errors.IsolatingBatches;
import io.komo.sync.observe.SyncFailedEvents;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * The stages of the inbound path (route {@code <id>.inbound-process} and the conflict aggregator of
 * {@code <id>.inbound-aggregate}), all in one transaction per claim: claim the next stored events of an integration,
 * hand their records to the aggregator, which folds each contact's changes into one group, collect the groups it
 * completes at the end of the claim, and apply them to Komo as one batch ({@link InboundApplier}). The events are
 * marked processed in that same transaction, so a crash anywhere before its commit leaves them to be claimed again,
 * and after it nothing is applied twice. One integration at a time: an advisory lock keeps replicas from applying one
 * contact's changes out of order.
 *
 * <p>A claim takes up to {@code komo.inbound.batch-size} records; while claims come back full the route claims again
 * at once, so a backlog drains as fast as the machine allows, and an idle integration is looked at every
 * {@code komo.inbound.poll-interval} milliseconds.
 *
 * <p>A batch that fails (other than by a record Komo refuses, which is dead-lettered alone) is rolled back, and the
 * integration's next batches apply their groups one at a time until one succeeds, so the failing group is found and
 * its failures counted ({@link GroupApplyFailures}); after {@link GroupApplyFailures#MAX_ATTEMPTS} it is dead-lettered
 * instead of applied, so that it does not hold the integration's later changes back.
 */
@ApplicationScoped
@Named("inboundStages")
public class InboundStages {

    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
    };

    @ConfigProperty(name = "komo.inbound.batch-size")
    int batchSize;

    @Inject
    RunningIntegrations integrations;

    @Inject
    InboundApplier applier;

    @Inject
    InboundAggregations aggregations;

    @Inject
    GroupApplyFailures applyFailures;

    @Inject
    SyncFailedEvents failedEvents;

    @Inject
    DataSource dataSource;

    @Inject
    DeadLetterChannel deadLetters;

    @Inject
    ObjectMapper mapper;

    @Inject
    PulledPages pulledPages;

    private final IsolatingBatches batches = new IsolatingBatches();

    /**
     * Claims the next stored events of an active integration, oldest first, in the caller's transaction: each is
     * parsed into records and marked processed, and the records go on, one pending change each, to the aggregator.
     * An event that cannot be parsed is dead-lettered. Nothing is claimed while another replica holds the integration
     * (see {@link #lock}). Sets {@link CamelNames#INBOUND_MORE} and the exchange's {@link InboundBatch}.
     */
    public List<PendingChange> claim(@Header(CamelNames.INTEGRATION) String integrationId, Exchange exchange)
            throws SQLException {
        exchange.getIn().setHeader(CamelNames.INBOUND_MORE, false);
        exchange.removeProperty(CamelNames.INBOUND_BATCH);
        aggregations.discardOpen(integrationId);
        if (!lock(integrationId)) {
            return List.of();
        }
        CompiledIntegration integration = integrations.find(integrationId).orElseThrow();
        try (Connection c = dataSource.getConnection()) {
            List<StoredEvent> stored = stored(c, integrationId);
            List<PendingChange> changes = new ArrayList<>();
            List<UUID> claimed = new ArrayList<>();
            for (StoredEvent event : stored) {
                if (changes.size() >= batchSize) {
                    break; // the others wait for the next claim, which comes at once
                }
                try {
                    List<InboundRecord> records = event.runId() != null
                            ? pulledPages.records(event.body())
                            : integration.connector().parseWebhook(integration.context(),
                                    new InboundWebhook("POST", null, event.headers(), event.body()));
                    // All of an event's records, or none: one that cannot be read fails the event whole.
                    List<PendingChange> eventChanges = new ArrayList<>(records.size());
                    for (int i = 0; i < records.size(); i++) {
                        InboundRecord record = records.get(i);
                        eventChanges.add(PendingChange.of(correlationKey(integration, event.id(), i, record),
                                event.id(), record));
                    }
                    changes.addAll(eventChanges);
                    claimed.add(event.id());
                } catch (IllegalArgumentException e) {
                    mark(c, List.of(event.id()), "failed", e.getMessage());
                    deadLetters.add(
                            List.of(new DeadLetter(integration.id(), "parse", integration.id() + ".inbound-process",
                                    null, applier.jsonString(event.body()), e.getClass().getSimpleName(),
                                    e.getMessage(), 1)));
                }
            }
            mark(c, claimed, "processed", null);
            boolean full = stored.size() == batchSize || changes.size() >= batchSize;
            exchange.getIn().setHeader(CamelNames.INBOUND_MORE, full);
            exchange.setProperty(CamelNames.INBOUND_BATCH, new InboundBatch(claimed, full));
            return changes;
        }
    }

    /**
     * Takes the integration's advisory lock for the caller's transaction, so that only one replica claims or applies
     * an integration's changes at a time and one contact's changes are never applied out of order. False when
     * another replica holds it, or the integration is paused or testing (its events wait until it is active).
     */
    private boolean lock(String integrationId) throws SQLException {
        if (integrations.find(integrationId).filter(CompiledIntegration::isActive).isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement lock = c.prepareStatement(
                        "SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, 0x6b6f6d6f);
            lock.setString(2, integrationId);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Takes a group the aggregator completed into its claim's batch. */
    public void collect(@Body PendingChange group, @ExchangeProperty(CamelNames.INBOUND_BATCH) InboundBatch batch) {
        batch.add(group);
    }

    /**
     * Applies the groups the aggregator completed for this claim, in the claim's transaction, as one batch; groups
     * that failed too often are dead-lettered instead. Answers how the batch went in the integration's health and, for
     * pulled pages, in their run's counts.
     */
    public void applyBatch(@Header(CamelNames.INTEGRATION) String integrationId,
            @ExchangeProperty(CamelNames.INBOUND_BATCH) InboundBatch batch) {
        if (batch == null) {
            return; // nothing was claimed
        }
        CompiledIntegration integration = integrations.find(integrationId).orElseThrow();
        List<PendingChange> groups = batch.groupsInOrder();
        Map<String, GroupApplyFailures.Failures> failures = applyFailures
                .recorded(groups.stream().map(PendingChange::correlationKey).toList());
        List<UUID> appliedEventIds = new ArrayList<>();
        List<UUID> failedEventIds = new ArrayList<>();
        List<PendingChange> toApply = new ArrayList<>();
        for (PendingChange group : groups) {
            GroupApplyFailures.Failures failed = failures.get(group.correlationKey());
            if (failed != null && failed.givenUp()) {
                deadLetters.add(List.of(new DeadLetter(integrationId, "apply", integrationId + ".inbound-process",
                        null, applier.jsonString(group.record()), "ApplyFailed", failed.lastError(),
                        failed.attempts())));
                failedEventIds.addAll(group.eventIds());
            } else {
                toApply.add(group);
            }
        }
        List<Applied> results = batches.apply(integrationId, toApply,
                some -> applier.apply(integration, some.stream().map(InboundStages::incoming).toList(), true),
                (group, e) -> applyFailures.failed(integrationId, group.correlationKey(), e));
        for (int i = 0; i < toApply.size(); i++) {
            // A record that cannot be mapped or that Komo refuses was dead-lettered: a failure, as on the way out.
            (results.get(i).kind() == Applied.Kind.ERROR ? failedEventIds : appliedEventIds)
                    .addAll(toApply.get(i).eventIds());
        }
        pulledPages.counted(appliedEventIds, true);
        pulledPages.counted(failedEventIds, false);
        applyFailures.forget(failures.keySet());
        int failedGroups = groups.size() - (int) results.stream().filter(r -> r.kind() != Applied.Kind.ERROR).count();
        failedEvents.batchEnded(integrationId, failedGroups, groups.size() - failedGroups,
                "Inbound changes could not be applied; see the dead letters");
    }

    private static InboundApplier.Incoming incoming(PendingChange group) {
        return new InboundApplier.Incoming(group.record(), group.fieldChangedAt(), null);
    }

    /**
     * The contact a record belongs to, for the aggregator: its external id, else its normalised email; a record with
     * neither cannot be told apart from others and is a group of its own.
     */
    private static String correlationKey(CompiledIntegration integration, UUID eventId, int index,
            InboundRecord record) {
        if (record.externalId() != null) {
            return integration.id() + "|id:" + record.externalId();
        }
        Object email = integration.mapper().toKomo(InboundApplier.mappedOnly(integration, record.fields())).record()
                .get("email");
        return (email == null ? Optional.<String>empty() : EmailAddresses.normalise(email.toString()))
                .map(normalised -> integration.id() + "|email:" + normalised)
                .orElse(integration.id() + "|event:" + eventId + "#" + index);
    }

    /** A stored webhook, or a pulled page when {@code runId} names its pull. */
    private record StoredEvent(UUID id, String body, Map<String, List<String>> headers, UUID runId) {
    }

    private List<StoredEvent> stored(Connection c, String integrationId) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(
                "SELECT id, payload, headers::text, run_id FROM webhook_delivery WHERE direction = 'inbound' "
                        + "AND integration_id = ? AND status = 'received' ORDER BY received_at, id LIMIT ?")) {
            read.setString(1, integrationId);
            read.setInt(2, batchSize);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    events.add(new StoredEvent(rs.getObject(1, UUID.class), rs.getString(2),
                            mapper.readValue(rs.getString(3), HEADERS), rs.getObject(4, UUID.class)));
                }
            }
            return events;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored webhook headers are not JSON", e);
        }
    }

    private static void mark(Connection c, List<UUID> ids, String status, String error) throws SQLException {
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE webhook_delivery SET status = ?, last_error = ?, attempts = attempts + 1, processed_at = ? "
                        + "WHERE id = ANY(?)")) {
            update.setString(1, status);
            update.setString(2, error);
            update.setTimestamp(3, Timestamp.from(Instant.now()));
            update.setArray(4, c.createArrayOf("uuid", ids.toArray()));
            update.executeUpdate();
        }
    }
}
