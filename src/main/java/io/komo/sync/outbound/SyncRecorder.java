package io.komo.sync.outbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.errors.DeadLetterChannel;
import io.komo.sync.observe.SyncFailedEvents;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;

/**
 * Writes the outcome of a sync step in the caller's transaction (the one that moves the cursor):
 * new merge bases and external ids, dead letters, and the integration's failure state, which raises
 * "sync failed" (a log entry and a {@code sync.failed} webhook event) once when it starts failing rather
 * than once per record.
 */
@ApplicationScoped
public class SyncRecorder {

    private static final Logger LOG = Logger.getLogger(SyncRecorder.class);

    @Inject
    SyncStateStore states;

    @Inject
    DeadLetterChannel deadLetters;

    @Inject
    SyncLog log;

    @Inject
    SyncFailedEvents failedEvents;

    @Inject
    MeterRegistry meters;

    public void recordOutbound(CompiledIntegration integration, OutboundPlan plan) {
        Instant now = Instant.now();
        // A contact planned without a base had no state then (or one that agreed on nothing): its state is most
        // likely new, which the store writes the cheaper way, and checks.
        states.save(plan.delivered().stream()
                .map(d -> new SyncState(integration.id(), d.planned().contactId(), d.externalId(),
                        d.planned().newBase(), now,
                        sentTimes(d)))
                .toList(),
                plan.delivered().stream().filter(d -> d.planned().oldBase().isEmpty()).map(d -> d.planned().contactId())
                        .collect(Collectors.toSet()));
        deadLetters.add(plan.deadLetters());
        List<SyncLogEntry> entries = new ArrayList<>();
        for (OutboundPlan.Delivered delivered : plan.delivered()) {
            OutboundPlan.Planned planned = delivered.planned();
            String operation = planned.newBase().isEmpty()
                    ? "contact.deleted"
                    : delivered.created() ? "contact.created" : "contact.updated";
            entries.add(SyncLogEntry.success(integration.id(), operation, planned.contactId(), delivered.externalId())
                    .at(now));
            // Field-level entries for changes; a created record's fields are all new, its success entry says so.
            Map<String, Object> changedFields = delivered.created() || planned.oldBase().isEmpty()
                    ? Map.of()
                    : planned.record().fields();
            changedFields.forEach((field, value) -> {
                Object old = planned.oldBase().get(field);
                if (!Objects.equals(old, value)) {
                    entries.add(SyncLogEntry.fieldChanged(integration.id(), "field.sent", planned.contactId(),
                            delivered.externalId(), field, SyncLogEntry.text(old), SyncLogEntry.text(value)).at(now));
                }
            });
            entries.addAll(SyncLogEntry.conflicts(integration.id(), planned.contactId(), delivered.externalId(),
                    planned.decisions()));
        }
        for (OutboundPlan.Activity activity : plan.activitiesSent()) {
            entries.add(SyncLogEntry.success(integration.id(), "activity." + activity.record().type(),
                    activity.record().contactId(), activity.record().externalId()).at(now));
        }
        if (plan.activitiesSkipped() > 0) {
            meters.counter("komo.sync.activities.skipped", "integration", integration.id())
                    .increment(plan.activitiesSkipped());
        }
        plan.deadLetters()
                .forEach(letter -> entries.add(SyncLogEntry.error(integration.id(), "contact." + letter.stage(),
                        letter.contactId(), null, letter.error()).at(now)));
        log.append(entries);
        failedEvents.batchEnded(integration.id(), plan.deadLetters().size(), plan.delivered().size(),
                plan.deadLetters().size() + " records could not be delivered; see the dead letters");
    }

    /** Each field the delivered record carried was written to the platform by the call that started at its sentAt. */
    private static Map<String, Instant> sentTimes(OutboundPlan.Delivered delivered) {
        Set<String> sent = delivered.planned().record().fields().keySet();
        if (sent.containsAll(delivered.planned().newBase().keySet())) {
            return Map.of(SyncState.EVERY_FIELD, delivered.sentAt());
        }
        Map<String, Instant> times = new HashMap<>();
        sent.forEach(field -> times.put(field, delivered.sentAt()));
        return times;
    }
}
