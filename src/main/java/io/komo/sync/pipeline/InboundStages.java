package io.komo.sync.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactService;
import io.komo.sync.contact.ContactView;
import io.komo.sync.contact.Outbox;
import io.komo.sync.delivery.DeadLetter;
import io.komo.sync.delivery.DeadLetterStore;
import io.komo.sync.integration.CompiledIntegration;
import io.komo.sync.integration.IntegrationDefinition;
import io.komo.sync.integration.IntegrationRoutes;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.pipeline.conflict.ManualConflict;
import io.komo.sync.pipeline.conflict.MergeResolver;
import io.komo.sync.pipeline.conflict.MergeResult;
import io.komo.sync.pipeline.conflict.SideSnapshot;
import io.komo.sync.pipeline.dedup.DedupMerger;
import io.komo.sync.pipeline.dedup.DedupStrategy;
import io.komo.sync.pipeline.mapping.MappingResult;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Header;

/**
 * Applies stored inbound events to Komo, oldest first, one integration at a time (an advisory lock
 * keeps replicas from applying one contact's changes out of order). Per record: map to Komo fields,
 * find the contact (known external id, else dedup by email), then merge three ways with the base so
 * that only real external changes are written, conflicts follow the integration's rules, and the echo
 * of the runtime's own write is dropped.
 */
@ApplicationScoped
@Named("inboundStages")
public class InboundStages {

    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int BATCH = 100;

    private final MergeResolver resolver = new MergeResolver();
    private final DedupMerger dedup = new DedupMerger();

    @Inject
    IntegrationRoutes integrations;

    @Inject
    DataSource dataSource;

    @Inject
    ContactService contacts;

    @Inject
    Outbox outbox;

    @Inject
    SyncStateStore states;

    @Inject
    DeadLetterStore deadLetters;

    @Inject
    ConflictQueue conflicts;

    @Inject
    ObjectMapper mapper;

    @Inject
    SyncLog log;

    /** Applies the next stored events of an active integration; the number applied. Called by the inbound-process route. */
    public int processStored(@Header(OutboundStages.INTEGRATION) String integrationId) {
        Optional<CompiledIntegration> integration = integrations.find(integrationId).filter(CompiledIntegration::isActive);
        if (integration.isEmpty()) {
            return 0; // paused or testing: events stay stored until it is active
        }
        return QuarkusTransaction.requiringNew().call(() -> processBatch(integration.get()));
    }

    private int processBatch(CompiledIntegration integration) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!lock(c, integration.id())) {
                return 0;
            }
            List<StoredEvent> events = stored(c, integration.id());
            for (StoredEvent event : events) {
                String status = "processed";
                String error = null;
                try {
                    List<InboundRecord> records = integration.connector().parseWebhook(integration.context(),
                            new InboundWebhook("POST", null, event.headers(), event.body()));
                    for (InboundRecord record : records) {
                        apply(integration, record, true);
                    }
                } catch (IllegalArgumentException e) {
                    status = "failed";
                    error = e.getMessage();
                    deadLetters.add(List.of(new DeadLetter(integration.id(), "parse", integration.id() + ".inbound-process",
                            null, jsonString(event.body()), e.getClass().getSimpleName(), e.getMessage(), 1)));
                }
                mark(c, event.id(), status, error);
            }
            return events.size();
        }
    }

    /**
     * Applies one external record read from the platform (not from a webhook) to a known integration, with
     * the normal merge rules, in the caller's transaction. Used by the drift check's repair: the record is the
     * platform's state read just now, so it is taken even where Komo wrote a field after the record's change
     * time (that write evidently did not land), rather than dropped as a late echo.
     */
    public void applyRecord(String integrationId, InboundRecord record) {
        CompiledIntegration integration = integrations.find(integrationId)
                .orElseThrow(() -> new IllegalArgumentException("No integration " + integrationId));
        apply(integration, record, false);
    }

    /**
     * Applies one external record to Komo.
     *
     * @param dropStale whether a field changed on the platform before Komo's last write of it is dropped
     *                  ({@link StaleChanges}); true for reported changes, which can arrive late
     */
    private void apply(CompiledIntegration integration, InboundRecord record, boolean dropStale) {
        IntegrationDefinition definition = integration.definition();
        Map<String, Object> incoming = mappedOnly(integration, record.fields());
        MappingResult komo = integration.mapper().toKomo(incoming);
        if (komo.hasErrors()) {
            deadLetters.add(List.of(new DeadLetter(integration.id(), "map", integration.id() + ".inbound-process", null,
                    jsonString(incoming), "MappingError", komo.errors().toString(), 1)));
            return;
        }
        // Before the contact is read, so the merge sees what Komo holds now and nobody changes it until the
        // transaction commits; a batch keeps the lock from its first record on (see Outbox).
        outbox.lockWrites();
        Optional<SyncState> state = record.externalId() == null ? Optional.empty()
                : states.findByExternalId(integration.id(), record.externalId());
        Contact existing = state.map(s -> Contact.findLive(s.contactId())).orElseGet(() -> byEmail(komo.record()));
        IntegrationDefinition.Mode mode = definition.modeOrDefault();
        Instant now = Instant.now();
        if (record.deleted()) {
            if (existing != null && (definition.onDeleteOrDefault() != IntegrationDefinition.DeletePolicy.IGNORE
                    || mode == IntegrationDefinition.Mode.MIRROR)) {
                contacts.delete(existing.id);
            }
            return;
        }
        if (existing == null) {
            if (mode != IntegrationDefinition.Mode.UPDATE_ONLY) {
                ContactService.Saved created = contacts.create(mapper.valueToTree(komo.record()), false);
                states.save(List.of(new SyncState(integration.id(), created.contact().id(), record.externalId(), incoming, now)));
                log.append(SyncLogEntry.success(integration.id(), "contact.received.created", created.contact().id(),
                        record.externalId()));
            }
            return;
        }
        if (mode == IntegrationDefinition.Mode.CREATE_ONLY) {
            return;
        }
        Map<String, Object> contact = mapper.convertValue(ContactView.of(existing), MAP);
        if (state.isEmpty() && states.load(integration.id(), List.of(existing.id)).isEmpty()) {
            mergeFirstMatch(integration, record, existing, contact, komo.record(), incoming, now);
            return;
        }
        SyncState known = state.orElseGet(() -> states.load(integration.id(), List.of(existing.id)).get(existing.id));
        Map<String, Object> base = known.base();
        Set<String> stale = dropStale ? StaleChanges.staleFields(incoming, record.changedAt(), base, known.sentAt()) : Set.of();
        MappingResult komoAsExternal = integration.mapper().toExternal(contact);
        MergeResult merge = resolver.merge(existing.id.toString(), base,
                SideSnapshot.of(komoAsExternal.record(), KomoRecords.externalModifiedAt(integration, contact)),
                SideSnapshot.at(record.changedAt() == null ? now : record.changedAt(), StaleChanges.without(incoming, stale)),
                integration.conflictPolicy());
        String externalIdForLog = record.externalId();
        // What the platform reported (old) and what both sides hold since Komo's later write (new).
        log.append(stale.stream().map(field -> SyncLogEntry.fieldChanged(integration.id(), "field.received.stale",
                existing.id, externalIdForLog, field, SyncRecorder.text(incoming.get(field)),
                SyncRecorder.text(base.get(field)))).toList());
        if (merge.isEmpty()) {
            return; // an echo of our own write, or nothing new
        }
        List<SyncLogEntry> entries = new ArrayList<>(SyncRecorder.conflictEntries(integration.id(), existing.id,
                externalIdForLog, merge.decisions()));
        if (!merge.komoWrites().isEmpty()) {
            MappingResult writes = integration.mapper().toKomo(merge.komoWrites());
            contacts.patch(existing.id, mapper.valueToTree(writes.record()));
            entries.add(SyncLogEntry.success(integration.id(), "contact.received.updated", existing.id, externalIdForLog));
            merge.komoWrites().forEach((field, value) -> entries.add(SyncLogEntry.fieldChanged(integration.id(),
                    "field.received", existing.id, externalIdForLog, field,
                    SyncRecorder.text(base == null ? null : base.get(field)), SyncRecorder.text(value))));
        }
        log.append(entries);
        for (ManualConflict conflict : merge.manualConflicts()) {
            conflicts.park(integration.id(), existing.id, conflict);
        }
        String externalId = record.externalId() != null ? record.externalId()
                : state.map(SyncState::externalId).orElse(null);
        states.save(List.of(new SyncState(integration.id(), existing.id, externalId, agreedBase(base, merge), now)));
    }

    /**
     * The merge's new base, except where Komo's value still has to reach the platform (Komo changed, or
     * won a conflict): there the old base stays, so the outbound side sees the difference and sends it.
     * Claiming agreement there would silently drop a Komo change that is waiting in the feed.
     */
    private static Map<String, Object> agreedBase(Map<String, Object> base, MergeResult merge) {
        Map<String, Object> agreed = new LinkedHashMap<>(merge.newBase());
        merge.externalWrites().keySet().forEach(field -> {
            if (base != null && base.containsKey(field)) {
                agreed.put(field, base.get(field));
            } else {
                agreed.remove(field);
            }
        });
        return agreed;
    }

    /**
     * The first time an external record meets a Komo contact with its email there is no base to merge
     * with: the integration's dedup strategy (newest wins, Komo wins, fill blanks) decides each field.
     */
    private void mergeFirstMatch(CompiledIntegration integration, InboundRecord record, Contact existing,
            Map<String, Object> contact, Map<String, Object> komoValues, Map<String, Object> incoming, Instant now) {
        IntegrationDefinition.Dedup settings = integration.definition().dedup();
        DedupStrategy strategy = settings != null && settings.merge() != null ? settings.merge() : DedupStrategy.NEWEST_WINS;
        Map<String, Object> flatIncoming = KomoRecords.flatten(komoValues);
        Map<String, Object> flatExisting = new LinkedHashMap<>();
        KomoRecords.flatten(contact).forEach((field, value) -> {
            if (flatIncoming.containsKey(field)) {
                flatExisting.put(field, value);
            }
        });
        Map<String, Object> changes = dedup.merge(SideSnapshot.of(flatExisting, KomoRecords.modifiedAt(contact)),
                SideSnapshot.at(record.changedAt() == null ? now : record.changedAt(), flatIncoming), strategy);
        if (!changes.isEmpty()) {
            contacts.patch(existing.id, mapper.valueToTree(KomoRecords.nest(changes)));
        }
        Map<String, Object> agreed = integration.mapper()
                .toExternal(mapper.convertValue(ContactView.of(Contact.findLive(existing.id)), MAP)).record();
        states.save(List.of(new SyncState(integration.id(), existing.id, record.externalId(), agreed, now)));
    }

    /** Only the fields the integration maps take part; anything else the platform sends is not ours to sync. */
    private static Map<String, Object> mappedOnly(CompiledIntegration integration, Map<String, Object> fields) {
        Map<String, Object> mapped = new LinkedHashMap<>();
        integration.definition().mappingOrEmpty().forEach(m -> {
            if (m.external() != null && fields.containsKey(m.external())) {
                mapped.put(m.external(), fields.get(m.external()));
            }
        });
        return mapped;
    }

    private static Contact byEmail(Map<String, Object> komo) {
        Object email = komo.get("email");
        return email == null ? null
                : io.komo.sync.contact.EmailAddresses.normalise(email.toString()).map(Contact::findLiveByEmail).orElse(null);
    }

    private record StoredEvent(UUID id, String body, Map<String, List<String>> headers) {
    }

    private List<StoredEvent> stored(Connection c, String integrationId) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(
                "SELECT id, payload, headers::text FROM webhook_delivery WHERE direction = 'inbound' "
                        + "AND integration_id = ? AND status = 'received' ORDER BY received_at, id LIMIT ?")) {
            read.setString(1, integrationId);
            read.setInt(2, BATCH);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    events.add(new StoredEvent(rs.getObject(1, UUID.class), rs.getString(2),
                            mapper.readValue(rs.getString(3), HEADERS)));
                }
            }
            return events;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Stored webhook headers are not JSON", e);
        }
    }

    private static void mark(Connection c, UUID id, String status, String error) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE webhook_delivery SET status = ?, last_error = ?, attempts = attempts + 1, processed_at = ? WHERE id = ?")) {
            update.setString(1, status);
            update.setString(2, error);
            update.setTimestamp(3, Timestamp.from(Instant.now()));
            update.setObject(4, id);
            update.executeUpdate();
        }
    }

    private static boolean lock(Connection c, String integrationId) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?, hashtext(?))")) {
            lock.setInt(1, 0x6b6f6d6f);
            lock.setString(2, integrationId);
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Dead letters keep their payload as JSON; a body that is not JSON is kept as a JSON string. */
    private String jsonString(Object value) {
        try {
            if (value instanceof String text) {
                try {
                    mapper.readTree(text);
                    return text;
                } catch (JsonProcessingException notJson) {
                    return mapper.writeValueAsString(text);
                }
            }
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
