package io.komo.sync.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;
import io.komo.sync.camel.CamelNames;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactView;
import io.komo.sync.contact.EmailAddresses;
import io.komo.sync.contact.Outbox;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.inbound.InboundApplier;
import io.komo.sync.mapping.FieldMapping;
import io.komo.sync.merge.FieldValues;
import io.komo.sync.outbound.OutboundPlan;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;
import io.komo.sync.storage.BackgroundConnections;

/**
 * Drift check: reads every record of the platform (bounded), pairs each with its Komo contact (by the
 * platform id kept in {@code sync_state}, else by the key field), and compares them field by field in
 * the platform's field names. A repair goes through the normal pipeline so the integration's rules
 * apply: Komo's state through the outbound route, platform records through the inbound merge.
 */
@ApplicationScoped
public class DriftCheckService {

    public static final int MAX_RECORDS = 100_000;
    public static final int MAX_LISTED = 1_000;
    private static final int PAGE = 500;
    private static final int REPAIR_BATCH = 200;
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    public record Difference(UUID contactId, String externalId, String email, String kind, String field,
            Object komoValue, Object externalValue) {
    }

    public record Result(String integrationId, int checkedKomo, int checkedExternal, int differenceCount,
            List<Difference> differences, boolean truncated, int repaired, int skipped) {
    }

    @Inject
    RunningIntegrations integrations;

    @Inject
    ConnectorCalls calls;

    @Inject
    ContactBatches batches;

    @Inject
    SyncStateStore states;

    @Inject
    InboundApplier inbound;

    @Inject
    Outbox outbox;

    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper mapper;

    @Inject
    BackgroundConnections connections;

    /** @param sample at most this many contacts (and unmatched platform records) are checked; null = all */
    public Result check(String integrationId, Integer sample, boolean repair) {
        CompiledIntegration integration = integrations.find(integrationId)
                .orElseThrow(() -> ProblemException.notFound("No integration " + integrationId));
        int limit = sample == null ? MAX_RECORDS : sample;
        List<InboundRecord> platform = readPlatform(integration);
        Map<String, InboundRecord> byExternalId = new LinkedHashMap<>();
        Map<String, InboundRecord> byKey = new HashMap<>();
        for (InboundRecord record : platform) {
            if (record.externalId() != null) {
                byExternalId.put(record.externalId(), record);
            }
            keyOf(integration, record).ifPresent(key -> byKey.putIfAbsent(key, record));
        }

        List<Difference> differences = new ArrayList<>();
        Map<UUID, Drifted> drifted = new LinkedHashMap<>();
        Set<InboundRecord> matched = new HashSet<>();
        int checkedExternal = 0;
        List<Contact> contacts = QuarkusTransaction.requiringNew()
                .call(() -> batches.inScope(integration.filter(), limit));
        Map<UUID, SyncState> known = QuarkusTransaction.requiringNew().call(
                () -> states.load(integrationId, contacts.stream().map(c -> c.id).toList()));
        for (Contact contact : contacts) {
            SyncState state = known.get(contact.id);
            InboundRecord record = state != null && state.externalId() != null
                    ? byExternalId.get(state.externalId())
                    : null;
            if (record == null && contact.email != null) {
                record = EmailAddresses.normalise(contact.email).map(byKey::get).orElse(null);
            }
            if (record == null) {
                differences.add(new Difference(contact.id, state == null ? null : state.externalId(), contact.email,
                        "missing-on-platform", null, null, null));
                drifted.put(contact.id, new Drifted(contact, null, Map.of()));
                continue;
            }
            matched.add(record);
            checkedExternal++;
            Map<String, Object> komo = integration.mapper()
                    .toExternal(mapper.convertValue(ContactView.of(contact), MAP)).record();
            Map<String, Object[]> fields = new LinkedHashMap<>();
            for (String field : comparedFields(integration)) {
                Object komoValue = komo.get(field);
                Object externalValue = record.fields().get(field);
                if (!FieldValues.same(komoValue, externalValue)) {
                    differences.add(new Difference(contact.id, record.externalId(), contact.email, "field", field,
                            komoValue, externalValue));
                    fields.put(field, new Object[]{komoValue, externalValue});
                }
            }
            if (!fields.isEmpty()) {
                drifted.put(contact.id, new Drifted(contact, record, fields));
            }
        }

        // Platform records no checked contact claimed: missing in Komo unless they belong to a live contact
        // outside the scope or the sample.
        List<InboundRecord> missingInKomo = new ArrayList<>();
        int unmatchedChecked = 0;
        for (InboundRecord record : platform) {
            if (matched.contains(record) || unmatchedChecked >= limit) {
                continue;
            }
            unmatchedChecked++;
            if (QuarkusTransaction.requiringNew().call(() -> hasContact(integration, record))) {
                continue;
            }
            checkedExternal++;
            missingInKomo.add(record);
            differences.add(new Difference(null, record.externalId(), keyOf(integration, record).orElse(null),
                    "missing-in-komo", null, null, null));
        }

        int repaired = 0;
        int skipped = 0;
        if (repair) {
            IntegrationDefinition.Direction direction = integration.definition().directionOrDefault();
            if (direction.sendsToExternal()) {
                // Each repair batch waits on the platform inside its transaction; reading it above held none.
                try (BackgroundConnections.Lease lease = connections.leaseForRequest()) {
                    repaired += repairOnPlatform(integration, new ArrayList<>(drifted.values()));
                }
            } else if (direction.receivesFromExternal()) {
                repaired += repairInKomo(integration,
                        drifted.values().stream().filter(d -> d.record() != null).toList());
                skipped += (int) drifted.values().stream().filter(d -> d.record() == null).count();
            }
            if (direction.receivesFromExternal()) {
                for (InboundRecord record : missingInKomo) {
                    QuarkusTransaction.requiringNew().run(() -> inbound.applyRecord(integrationId, record));
                    repaired++;
                }
            } else {
                skipped += missingInKomo.size();
            }
        }
        boolean truncated = differences.size() > MAX_LISTED;
        return new Result(integrationId, contacts.size(), checkedExternal, differences.size(),
                truncated ? List.copyOf(differences.subList(0, MAX_LISTED)) : differences, truncated, repaired,
                skipped);
    }

    /** A contact that differs from the platform: its record there (null when missing) and field → {Komo, platform}. */
    private record Drifted(Contact contact, InboundRecord record, Map<String, Object[]> fields) {
    }

    private List<InboundRecord> readPlatform(CompiledIntegration integration) {
        List<InboundRecord> records = new ArrayList<>();
        String cursor = null;
        do {
            ChangedPage page;
            try {
                CallOutcome outcome = calls.send(integration.id(),
                        integration.connector().readChangedSince(integration.context(), null, cursor, PAGE));
                if (!outcome.isSuccess()) {
                    throw badGateway("the platform answered HTTP " + outcome.status() + " to a read");
                }
                page = integration.connector().changedPage(integration.context(), outcome);
            } catch (UnsupportedOperationException e) {
                throw ProblemException.conflict("platform " + integration.definition().platform()
                        + " cannot be read, so drift cannot be checked");
            } catch (ProblemException e) {
                throw e;
            } catch (Exception e) {
                throw badGateway("the platform could not be read: " + e.getMessage());
            }
            for (InboundRecord record : page.records()) {
                if (!record.deleted() && records.size() < MAX_RECORDS) {
                    records.add(record);
                }
            }
            if (cursor != null && cursor.equals(page.nextCursor())) {
                break; // a platform that does not move its cursor would read forever
            }
            cursor = page.nextCursor();
        } while (cursor != null && records.size() < MAX_RECORDS);
        return records;
    }

    private static ProblemException badGateway(String detail) {
        return new ProblemException(Problem.of(502, "Bad Gateway", "Drift cannot be checked: " + detail, List.of()));
    }

    /** The external fields the integration maps from a Komo field, in mapping order. */
    private static List<String> comparedFields(CompiledIntegration integration) {
        return integration.definition().mappingOrEmpty().stream()
                .filter(m -> m.external() != null && m.komo() != null).map(FieldMapping::external).distinct().toList();
    }

    /** The platform record's key (normally its email) as Komo stores it. */
    private static Optional<String> keyOf(CompiledIntegration integration, InboundRecord record) {
        String keyField = integration.connector().defaults().keyField();
        if (keyField == null || !record.fields().containsKey(keyField)) {
            return Optional.empty();
        }
        Map<String, Object> only = new HashMap<>();
        only.put(keyField, record.fields().get(keyField));
        Object email = integration.mapper().toKomo(only).record().get("email");
        return email == null ? Optional.empty() : EmailAddresses.normalise(email.toString());
    }

    private boolean hasContact(CompiledIntegration integration, InboundRecord record) {
        if (record.externalId() != null) {
            Optional<SyncState> state = states.findByExternalId(integration.id(), record.externalId());
            if (state.isPresent() && Contact.findLive(state.get().contactId()) != null) {
                return true;
            }
        }
        return keyOf(integration, record).map(Contact::findLiveByEmail).isPresent();
    }

    /**
     * Sends the contacts' current state through the outbound route. The merge base of each differing field
     * is first set to the platform's value, so the merge sees Komo ≠ base and sends Komo's value where the
     * field's rule lets it; a contact missing on the platform loses its sync state and is sent whole.
     */
    private int repairOnPlatform(CompiledIntegration integration, List<Drifted> drifted) {
        int delivered = 0;
        for (int from = 0; from < drifted.size(); from += REPAIR_BATCH) {
            List<Drifted> batch = drifted.subList(from, Math.min(drifted.size(), from + REPAIR_BATCH));
            delivered += QuarkusTransaction.requiringNew().call(() -> {
                resetBases(integration, batch, true);
                List<ChangeEvent> events = batch.stream().map(d -> batches.asChange(d.contact())).toList();
                Exchange result = producer.send(CamelNames.outboundEndpoint(integration.id()), exchange -> {
                    exchange.getMessage().setBody(events);
                    exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, Integer.MAX_VALUE);
                });
                if (result.getException() != null) {
                    throw badGateway("the repair could not reach the platform: " + result.getException().getMessage());
                }
                OutboundPlan plan = result.getMessage().getBody(OutboundPlan.class);
                return plan == null ? 0 : plan.delivered().size();
            });
        }
        return delivered;
    }

    /** Applies the platform's records to Komo, with each differing field's base set to Komo's value first. */
    private int repairInKomo(CompiledIntegration integration, List<Drifted> drifted) {
        for (Drifted d : drifted) {
            QuarkusTransaction.requiringNew().run(() -> {
                // The outbox lock before the state row, in the order of every contact write (see Outbox): an
                // inbound batch holds the lock while it writes states, so the other order could deadlock with it.
                outbox.lockWrites();
                resetBases(integration, List.of(d), false);
                inbound.applyRecord(integration.id(), d.record());
            });
        }
        return drifted.size();
    }

    private void resetBases(CompiledIntegration integration, List<Drifted> drifted, boolean toPlatformValue) {
        Map<UUID, SyncState> current = states.load(integration.id(),
                drifted.stream().map(d -> d.contact().id).toList());
        List<SyncState> reset = new ArrayList<>();
        for (Drifted d : drifted) {
            if (d.record() == null) {
                states.forget(integration.id(), d.contact().id);
                continue;
            }
            SyncState state = current.get(d.contact().id);
            Map<String, Object> base = new LinkedHashMap<>(state == null ? Map.of() : state.base());
            d.fields().forEach((field, values) -> base.put(field, values[toPlatformValue ? 1 : 0]));
            reset.add(new SyncState(integration.id(), d.contact().id, d.record().externalId(), base,
                    state != null && state.lastSyncedAt() != null ? state.lastSyncedAt() : Instant.now()));
        }
        states.save(reset);
    }
}
