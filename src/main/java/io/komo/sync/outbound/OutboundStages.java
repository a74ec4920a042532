package io.komo.sync.outbound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Body;
import org.apache.camel.Header;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.connector.spi.ActivityRecord;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.DeleteKind;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.KomoEventType;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.delivery.ApiUsage;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.errors.Classification;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.errors.RetryLaterException;
import io.komo.sync.mapping.MappingResult;
import io.komo.sync.merge.MergeResolver;
import io.komo.sync.merge.MergeResult;
import io.komo.sync.merge.SideSnapshot;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.KomoRecords;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;

/**
 * The stages of the outbound route (routes/templates/outbound.yaml): plan, deliver, record. Each
 * works on the batch the change feed delivered, inside the feed's transaction: contact changes become
 * records to upsert or delete, Komo events ({@code points.awarded}, ...) activities for the platform.
 */
@ApplicationScoped
@Named("outboundStages")
public class OutboundStages {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    /** Longer waits give the feed thread back: the batch is rolled back and offered again later. */
    private static final Duration LONGEST_INLINE_WAIT = Duration.ofSeconds(2);

    private final MergeResolver resolver = new MergeResolver();

    @Inject
    RunningIntegrations integrations;

    @Inject
    SyncStateStore states;

    @Inject
    ConnectorCalls calls;

    @Inject
    ApiUsage usage;

    @Inject
    SyncRecorder recorder;

    @Inject
    ObjectMapper mapper;

    /**
     * Keeps the newest change per contact, drops contacts outside the integration's scope, maps the
     * rest to the platform's fields and merges them with the base: only what changed since the last
     * agreed values is sent, so a value the runtime itself wrote and heard back goes nowhere.
     */
    public OutboundPlan plan(@Header(CamelNames.INTEGRATION) String integrationId,
            @Header(CamelNames.Feed.ATTEMPT) Integer attempt,
            @Header(CamelNames.PLANNED_AHEAD) OutboundPlan plannedAhead, @Body List<ChangeEvent> events) {
        CompiledIntegration integration = integration(integrationId);
        int attemptNumber = attempt == null ? 1 : attempt;
        if (plannedAhead != null && plannedAhead.holdsFor(integration, attemptNumber)) {
            return plannedAhead;
        }
        OutboundPlan plan = new OutboundPlan(integration, attemptNumber);
        Map<UUID, ChangeEvent> latest = new LinkedHashMap<>();
        List<ChangeEvent> komoEvents = new ArrayList<>();
        for (ChangeEvent event : events) {
            if (event.type().startsWith("contact.")) {
                latest.remove(event.contactId());
                latest.put(event.contactId(), event);
            } else if (KomoEventType.parse(event.type()).isPresent()) {
                komoEvents.add(event);
            }
        }
        Set<UUID> contactIds = new HashSet<>(latest.keySet());
        komoEvents.forEach(event -> contactIds.add(event.contactId()));
        Map<UUID, SyncState> known = states.load(integrationId, contactIds);
        for (ChangeEvent event : latest.values()) {
            planContact(integration, event, known.get(event.contactId()), plan);
        }
        for (ChangeEvent event : komoEvents) {
            planActivity(integration, event, known.get(event.contactId()), plan);
        }
        return plan;
    }

    /**
     * A Komo event of a contact in scope becomes an activity for the platform, addressed by the contact's platform id
     * when a sync learned it and by its key field otherwise. The event's payload carries the contact as it was then.
     */
    private void planActivity(CompiledIntegration integration, ChangeEvent event, SyncState state, OutboundPlan plan) {
        Map<String, Object> recorded = json(event.payload());
        Map<String, Object> contact = recorded.get("contact") instanceof Map<?, ?> map ? asMap(map) : Map.of();
        if (integration.filter() != null && !integration.filter().matches(contact)) {
            plan.filteredOut++;
            return;
        }
        Object key = integration.mapper().toExternal(contact).record()
                .get(integration.connector().defaults().keyField());
        Map<String, Object> data = recorded.get("data") instanceof Map<?, ?> map ? asMap(map) : Map.of();
        plan.activities.add(new OutboundPlan.Activity(new ActivityRecord(event.id(), event.type(), event.contactId(),
                state == null ? null : state.externalId(), key == null ? null : key.toString(), event.occurredAt(),
                data),
                event.payload()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private void planContact(CompiledIntegration integration, ChangeEvent event, SyncState state, OutboundPlan plan) {
        Map<String, Object> contact = json(event.payload());
        IntegrationDefinition definition = integration.definition();
        if (ChangeEvent.CONTACT_DELETED.equals(event.type())) {
            if (definition.deletesAs().isPresent() && state != null && state.externalId() != null) {
                plan.toDelete.add(new OutboundPlan.Planned(event.contactId(),
                        new OutboundRecord(event.contactId(), state.externalId(), (String) contact.get("email"),
                                Map.of()),
                        state.base(), Map.of(), List.of(), event.payload()));
            }
            return;
        }
        if (integration.filter() != null && !integration.filter().matches(contact)) {
            plan.filteredOut++;
            return;
        }
        boolean known = state != null && state.externalId() != null;
        IntegrationDefinition.Mode mode = definition.modeOrDefault();
        if ((mode == IntegrationDefinition.Mode.CREATE_ONLY && known)
                || (mode == IntegrationDefinition.Mode.UPDATE_ONLY && !known)) {
            plan.unchanged++;
            return;
        }
        MappingResult mapped = integration.mapper().toExternal(contact);
        if (mapped.hasErrors()) {
            plan.deadLetters.add(new DeadLetter(integration.id(), "map",
                    CamelNames.routeId(integration.id(), CamelNames.OUTBOUND), event.contactId(),
                    event.payload(), "MappingError", mapped.errors().toString(), plan.attempt));
            return;
        }
        Map<String, Object> base = state == null ? null : state.base();
        MergeResult merge = resolver.merge(event.contactId().toString(), base,
                SideSnapshot.of(mapped.record(), KomoRecords.externalModifiedAt(integration, contact)),
                SideSnapshot.empty(),
                integration.conflictPolicy());
        if (merge.externalWrites().isEmpty()) {
            plan.unchanged++;
            return;
        }
        // New records get every mapped field; known ones only what changed, plus the key to find them by.
        String keyField = integration.connector().defaults().keyField();
        Map<String, Object> fields = new LinkedHashMap<>(known ? merge.externalWrites() : mapped.record());
        Object key = mapped.record().get(keyField);
        if (key != null) {
            fields.putIfAbsent(keyField, key);
        }
        plan.toSend.add(new OutboundPlan.Planned(event.contactId(),
                new OutboundRecord(event.contactId(), known ? state.externalId() : null,
                        key == null ? null : key.toString(), fields),
                base == null ? Map.of() : base, merge.newBase(), merge.decisions(), event.payload()));
    }

    /**
     * Sends the planned records in batches of the platform's size, within its rate limit. A retryable
     * failure (5xx, 429, timeout) rolls the whole batch back for a later attempt while attempts remain;
     * a permanent one, or the last attempt, sends the records to the dead-letter table with the reason.
     */
    public OutboundPlan deliver(@Body OutboundPlan plan) {
        CompiledIntegration integration = integration(plan.integrationId);
        List<OutboundPlan.Planned> pending = plan.toSend;
        for (int from = 0; from < pending.size(); from += integration.batchSize()) {
            List<OutboundPlan.Planned> batch = pending.subList(from,
                    Math.min(pending.size(), from + integration.batchSize()));
            deliverBatch(integration, plan, batch);
        }
        for (OutboundPlan.Planned deletion : plan.toDelete) {
            deliverDelete(integration, plan, deletion);
        }
        for (int from = 0; from < plan.activities.size(); from += integration.batchSize()) {
            deliverActivities(integration, plan,
                    plan.activities.subList(from, Math.min(plan.activities.size(), from + integration.batchSize())));
        }
        return plan;
    }

    /** One call per batch of activities, retried or dead-lettered like records; none when the platform keeps none. */
    private void deliverActivities(CompiledIntegration integration, OutboundPlan plan,
            List<OutboundPlan.Activity> batch) {
        Optional<PreparedCall> call = integration.connector().activities(integration.context(),
                batch.stream().map(OutboundPlan.Activity::record).toList());
        if (call.isEmpty()) {
            plan.activitiesSkipped += batch.size();
            return;
        }
        waitForRateLimit(integration);
        List<OutboundPlan.Planned> asRecords = batch.stream().map(activity -> new OutboundPlan.Planned(
                activity.record().contactId(), new OutboundRecord(activity.record().contactId(),
                        activity.record().externalId(), activity.record().key(), Map.of()),
                Map.of(), Map.of(), List.of(), activity.payload())).toList();
        if (send(integration, plan, call.get(), asRecords) != null) {
            plan.activitiesSent.addAll(batch);
        }
    }

    private void deliverBatch(CompiledIntegration integration, OutboundPlan plan, List<OutboundPlan.Planned> batch) {
        List<OutboundRecord> records = batch.stream().map(OutboundPlan.Planned::record).toList();
        waitForRateLimit(integration);
        PreparedCall call = integration.connector().upsert(integration.context(), records);
        Instant sentAt = Instant.now();
        CallOutcome outcome = send(integration, plan, call, batch);
        if (outcome == null) {
            return;
        }
        List<RecordResult> results = integration.connector().upsertResults(integration.context(), records, outcome);
        for (int i = 0; i < batch.size(); i++) {
            RecordResult result = i < results.size()
                    ? results.get(i)
                    : RecordResult.failed("no result for this record", false);
            OutboundPlan.Planned planned = batch.get(i);
            if (result.success()) {
                plan.delivered.add(new OutboundPlan.Delivered(planned, result.externalId(), result.created(), sentAt));
            } else if (result.retryable() && plan.attempt < integration.retryPolicy().maxAttempts()) {
                throw new RetryLaterException("record " + planned.contactId() + ": " + result.error(),
                        integration.retryPolicy().nextDelay(plan.attempt));
            } else {
                plan.deadLetters.add(deadLetter(integration, plan, planned, "PlatformRejected", result.error()));
            }
        }
    }

    private void deliverDelete(CompiledIntegration integration, OutboundPlan plan, OutboundPlan.Planned deletion) {
        waitForRateLimit(integration);
        DeleteKind kind = integration.definition().deletesAs()
                .orElseThrow() == IntegrationDefinition.DeletePolicy.ARCHIVE
                        ? DeleteKind.ARCHIVE
                        : DeleteKind.DELETE;
        PreparedCall call = integration.connector().delete(integration.context(), deletion.record(), kind);
        Instant sentAt = Instant.now();
        CallOutcome outcome = send(integration, plan, call, List.of(deletion));
        if (outcome != null) {
            plan.delivered.add(new OutboundPlan.Delivered(deletion, deletion.record().externalId(), false, sentAt));
        }
    }

    /** The platform's answer, or null when the records were dead-lettered; throws to retry later. */
    private CallOutcome send(CompiledIntegration integration, OutboundPlan plan, PreparedCall call,
            List<OutboundPlan.Planned> batch) {
        Classification failure;
        CallOutcome outcome = null;
        try {
            outcome = calls.send(integration.id(), call);
            failure = outcome.isSuccess() ? null : integration.errorClassifier().classify(outcome);
        } catch (Exception e) {
            failure = integration.errorClassifier().classify(e);
        }
        if (failure == null) {
            integration.rateLimiter().onSuccess();
            return outcome;
        }
        if (failure.kind() == Classification.Kind.THROTTLED) {
            integration.rateLimiter().onThrottled(failure.retryAfter());
            usage.throttled(integration.id());
        }
        if (integration.retryPolicy().shouldRetry(plan.attempt, failure)) {
            throw new RetryLaterException(integration.id() + ": " + failure.reason(),
                    integration.retryPolicy().delayAfter(plan.attempt, failure));
        }
        String detail = failure.reason()
                + (outcome != null && outcome.body() != null ? ": " + abbreviate(outcome.body()) : "");
        String type = failure.kind().name();
        batch.forEach(planned -> plan.deadLetters.add(deadLetter(integration, plan, planned, type, detail)));
        return null;
    }

    private void waitForRateLimit(CompiledIntegration integration) {
        Duration wait = integration.rateLimiter().acquire();
        while (!wait.isZero()) {
            if (wait.compareTo(LONGEST_INLINE_WAIT) > 0) {
                throw new RetryLaterException(integration.id() + ": rate limit reached", wait);
            }
            try {
                Thread.sleep(wait.toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetryLaterException(integration.id() + ": interrupted while rate limited", wait);
            }
            wait = integration.rateLimiter().acquire();
        }
    }

    /** Writes what was delivered (new bases, external ids, logs) and what was given up, in the feed's transaction. */
    public void record(@Body OutboundPlan plan) {
        recorder.recordOutbound(integration(plan.integrationId), plan);
    }

    private DeadLetter deadLetter(CompiledIntegration integration, OutboundPlan plan, OutboundPlan.Planned planned,
            String type, String error) {
        return new DeadLetter(integration.id(), "deliver", CamelNames.routeId(integration.id(), CamelNames.OUTBOUND),
                planned.contactId(),
                planned.payload(), type, error, plan.attempt);
    }

    private CompiledIntegration integration(String integrationId) {
        return integrations.find(integrationId)
                .orElseThrow(() -> new IllegalStateException("Integration " + integrationId + " is not running"));
    }

    private Map<String, Object> json(String payload) {
        try {
            return mapper.readValue(payload, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An outbox payload is not JSON", e);
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
