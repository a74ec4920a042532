package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
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
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.apache.camel.language.simple.Simple;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.conflict.ConflictQueue;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactService;
import io.komo.sync.contact.ContactView;
import io.komo.sync.contact.Outbox;
import io.komo.sync.dedup.DedupMatch;
import io.komo.sync.dedup.DedupMatcher;
import io.komo.sync.dedup.DedupMerger;
import io.komo.sync.dedup.DedupStrategy;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.duplicate.DuplicateQueue;
import io.komo.sync.duplicate.ParkedRecordApplier;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.errors.DeadLetterChannel;
import io.komo.sync.errors.GroupApplyFailures;
import io.komo.sync.errors.RetryLaterException;
import io.komo.sync.mapping.MappingResult;
import io.komo.sync.merge.FieldValues;
import io.komo.sync.merge.ManualConflict;
import io.komo.sync.merge.MergeResolver;
import io.komo.sync.merge.MergeResult;
import io.komo.sync.merge.SideSnapshot;
import io.komo.sync.observe.SyncFailedEvents;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.KomoRecords;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.state.StaleChanges;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;

/**
 * The stages of the inbound conflict aggregator (routes {@code <id>.inbound-process} and {@code <id>.inbound-aggregate}):
 * claim stored events as pending changes, and apply each completed group of one contact's changes to Komo, one
 * integration at a time (an advisory lock keeps replicas from applying one contact's changes out of order). To apply:
 * map to Komo fields, find the contact (known external id, else by the integration's {@code dedup.key}; a record
 * that matches no single contact waits in the duplicates review list), then merge three ways with the base so that
 * only real external changes are written, conflicts follow the integration's rules, and the echo of the runtime's
 * own write is dropped.
 */
@ApplicationScoped
@Named("inboundStages")
public class InboundStages implements ParkedRecordApplier {

    private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };
    private static final int BATCH = 100;

    /**
     * What applying one external record did (or, in a transaction that is rolled back, would do) in Komo.
     *
     * @param changes the contact's fields that changed, in Komo's field names (dotted for nested ones)
     * @param reason  why it was skipped, waits for review or failed; null otherwise
     */
    public record Applied(Kind kind, UUID contactId, List<FieldChange> changes, String reason) {

        public enum Kind {
            CREATE, UPDATE, DELETE, SKIP, REVIEW, ERROR
        }

        /** A Komo field: its value before and after. */
        public record FieldChange(String field, Object from, Object to) {
        }

        static Applied skipped(UUID contactId, String reason) {
            return new Applied(Kind.SKIP, contactId, List.of(), reason);
        }

        /** The fields of {@code after} (a flat Komo record) whose value differs from {@code before}'s. */
        static List<FieldChange> changes(Map<String, Object> before, Map<String, Object> after) {
            List<FieldChange> changes = new ArrayList<>();
            after.forEach((field, value) -> {
                Object old = before.get(field);
                if (!FieldValues.same(old, value)) {
                    changes.add(new FieldChange(field, old, value));
                }
            });
            return changes;
        }
    }

    private final MergeResolver resolver = new MergeResolver();
    private final DedupMerger dedup = new DedupMerger();

    @Inject
    RunningIntegrations integrations;

    @Inject
    GroupApplyFailures applyFailures;

    @Inject
    SyncFailedEvents failedEvents;

    @Inject
    DataSource dataSource;

    @Inject
    ContactService contacts;

    @Inject
    Outbox outbox;

    @Inject
    SyncStateStore states;

    @Inject
    DeadLetterChannel deadLetters;

    @Inject
    ConflictQueue conflicts;

    @Inject
    ObjectMapper mapper;

    @Inject
    SyncLog log;

    @Inject
    PendingChangeStore pendingChanges;

    @Inject
    PulledPages pulledPages;

    @Inject
    DedupMatcher matcher;

    @Inject
    DuplicateQueue duplicates;

    /**
     * Claims the next stored events of an active integration, oldest first, in the caller's transaction: each is
     * parsed into records and marked processed, and the records go on, one pending change each, to the aggregator,
     * whose repository takes them in this same transaction. An event that cannot be parsed is dead-lettered.
     * Nothing is claimed while another replica holds the integration (see {@link #lock}). Called by the
     * inbound-process route.
     */
    public List<PendingChange> claim(@Header(CamelNames.INTEGRATION) String integrationId) throws SQLException {
        if (!lock(integrationId)) {
            return List.of();
        }
        CompiledIntegration integration = integrations.find(integrationId).orElseThrow();
        try (Connection c = dataSource.getConnection()) {
            List<PendingChange> changes = new ArrayList<>();
            for (StoredEvent event : stored(c, integrationId)) {
                String status = "processed";
                String error = null;
                try {
                    List<InboundRecord> records = event.runId() != null
                            ? pulledPages.records(event.body())
                            : integration.connector().parseWebhook(integration.context(),
                                    new InboundWebhook("POST", null, event.headers(), event.body()));
                    for (int i = 0; i < records.size(); i++) {
                        InboundRecord record = records.get(i);
                        changes.add(PendingChange.of(correlationKey(integration, event.id(), i, record), event.id(),
                                record));
                    }
                } catch (IllegalArgumentException e) {
                    status = "failed";
                    error = e.getMessage();
                    deadLetters.add(
                            List.of(new DeadLetter(integration.id(), "parse", integration.id() + ".inbound-process",
                                    null, jsonString(event.body()), e.getClass().getSimpleName(), e.getMessage(), 1)));
                }
                mark(c, event.id(), status, error);
            }
            return changes;
        }
    }

    /**
     * Takes the integration's advisory lock for the caller's transaction, so that only one replica claims or applies
     * an integration's changes at a time and one contact's changes are never applied out of order. False when
     * another replica holds it, or the integration is paused or testing (its events and groups wait until it is
     * active).
     */
    public boolean lock(@Header(CamelNames.INTEGRATION) String integrationId) throws SQLException {
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

    /**
     * Applies one completed group of the aggregator to Komo and deletes it from the repository, in one transaction:
     * the route's, or a new one when Camel's recover task resubmits a group. A group already deleted was applied
     * before and is skipped, so a group is never applied twice. A group that failed {@link GroupApplyFailures#MAX_ATTEMPTS} times
     * is dead-lettered instead of applied, so that it does not hold the integration's later changes back.
     */
    public void applyPending(@Header(CamelNames.INTEGRATION) String integrationId, @Body PendingChange change,
            @Simple("${exchangeId}") String groupId) {
        QuarkusTransaction.joiningExisting().call(() -> {
            if (!lock(integrationId)) {
                throw new RetryLaterException(
                        "Integration " + integrationId + " is busy on another replica or not active",
                        Duration.ofSeconds(5));
            }
            if (!pendingChanges.take(integrationId, groupId)) {
                return null;
            }
            Optional<GroupApplyFailures.Failures> givenUp = applyFailures.givenUp(groupId);
            if (givenUp.isPresent()) {
                deadLetters.add(List.of(new DeadLetter(integrationId, "apply", integrationId + ".inbound-process", null,
                        jsonString(change.record()), "ApplyFailed", givenUp.get().lastError(),
                        givenUp.get().attempts())));
                pulledPages.counted(change.eventIds(), false);
                applyFailures.forget(groupId);
                failedEvents.batchEnded(integrationId, 1, 0,
                        "An inbound change could not be applied; see the dead letters");
                return null;
            }
            Applied applied;
            try {
                applied = apply(integrations.find(integrationId).orElseThrow(), change.record(),
                        change.fieldChangedAt(), true);
            } catch (RuntimeException e) {
                applyFailures.failed(integrationId, groupId, e);
                throw e;
            }
            // A record that cannot be mapped was dead-lettered by the apply: a failure, as on the way out.
            boolean failed = applied.kind() == Applied.Kind.ERROR;
            pulledPages.counted(change.eventIds(), !failed);
            applyFailures.forget(groupId);
            failedEvents.batchEnded(integrationId, failed ? 1 : 0, failed ? 0 : 1,
                    "An inbound change could not be mapped; see the dead letters");
            return null;
        });
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
        Object email = integration.mapper().toKomo(mappedOnly(integration, record.fields())).record().get("email");
        return (email == null
                ? Optional.<String>empty()
                : io.komo.sync.contact.EmailAddresses.normalise(email.toString()))
                .map(normalised -> integration.id() + "|email:" + normalised)
                .orElse(integration.id() + "|event:" + eventId + "#" + index);
    }

    /**
     * Applies one external record read from the platform (not from a webhook) to a known integration, with
     * the normal merge rules, in the caller's transaction. Used by the drift check's repair: the record is the
     * platform's state read just now, so it is taken even where Komo wrote a field after the record's change
     * time (that write evidently did not land), rather than dropped as a late echo.
     */
    public Applied applyRecord(String integrationId, InboundRecord record) {
        return applyRead(integrationId, record, false);
    }

    /**
     * Applies one record read from the platform as a pull's merge would (a field changed there before Komo's last
     * write of it is a late echo and dropped), in the caller's transaction, and answers what it did. Used by the
     * test sync, which tries the integration as it will run: a test is no repair, so it must not overwrite a newer
     * Komo value with an older platform one.
     */
    public Applied applyPulled(String integrationId, InboundRecord record) {
        return applyRead(integrationId, record, true);
    }

    private Applied applyRead(String integrationId, InboundRecord record, boolean dropStale) {
        CompiledIntegration integration = integrations.find(integrationId)
                .orElseThrow(() -> new IllegalArgumentException("No integration " + integrationId));
        Map<String, Instant> changedAt = new LinkedHashMap<>();
        if (record.changedAt() != null) {
            record.fields().keySet().forEach(field -> changedAt.put(field, record.changedAt()));
        }
        return apply(integration, record, changedAt, dropStale, null);
    }

    /** Applies a record from the duplicates review list to the contact a person chose, in the caller's transaction. */
    @Override
    public void applyChosen(String integrationId, InboundRecord record, Map<String, Instant> fieldChangedAt,
            DedupMatch choice) {
        apply(integrations.find(integrationId).orElseThrow(), record, fieldChangedAt, true, choice);
    }

    private Applied apply(CompiledIntegration integration, InboundRecord record, Map<String, Instant> changedAt,
            boolean dropStale) {
        return apply(integration, record, changedAt, dropStale, null);
    }

    /**
     * Applies one external record to Komo. {@code changedAt} holds the platform's change time of each field it
     * knows one for; the other fields count as changed now.
     *
     * @param dropStale whether a field changed on the platform before Komo's last write of it is dropped
     *                  ({@link StaleChanges}); true for reported changes, which can arrive late
     * @param chosen    the contact a person chose for the record; null to find it by external id, else dedup
     */
    private Applied apply(CompiledIntegration integration, InboundRecord record, Map<String, Instant> changedAt,
            boolean dropStale, DedupMatch chosen) {
        IntegrationDefinition definition = integration.definition();
        Map<String, Object> incoming = mappedOnly(integration, record.fields());
        MappingResult komo = integration.mapper().toKomo(incoming);
        if (komo.hasErrors()) {
            deadLetters.add(List.of(new DeadLetter(integration.id(), "map", integration.id() + ".inbound-process", null,
                    jsonString(incoming), "MappingError", komo.errors().toString(), 1)));
            return new Applied(Applied.Kind.ERROR, null, List.of(), "the record cannot be mapped: " + komo.errors());
        }
        // Before the contact is read, so the merge sees what Komo holds now and nobody changes it until the
        // transaction commits; a batch keeps the lock from its first record on (see Outbox).
        outbox.lockWrites();
        Optional<SyncState> state = record.externalId() == null || chosen != null
                ? Optional.empty()
                : states.findByExternalId(integration.id(), record.externalId());
        Optional<IntegrationDefinition.DeletePolicy> deletesAs = definition.deletesAs();
        DedupMatch match = chosen != null
                ? chosen
                : state.map(s -> DedupMatch.linked(Contact.findLive(s.contactId())))
                        .orElseGet(() -> matcher.match(definition.dedupKeyOrDefault(), record.externalId(),
                                komo.record()));
        if (match.needsReview() && !record.deleted()) { // a deletion of a record never linked deletes nothing
            duplicates.park(integration.id(), record, changedAt, match);
            return new Applied(Applied.Kind.REVIEW, null, List.of(), "no single contact matches it ("
                    + match.reason().wireName() + "); it waits in the duplicates review list");
        }
        Contact live = match.contact();
        if ((live != null || !record.deleted()) && !inScope(integration, live, komo.record(), record.deleted())) {
            log.append(SyncLogEntry.success(integration.id(), "contact.received.skipped", live == null ? null : live.id,
                    record.externalId()));
            return Applied.skipped(live == null ? null : live.id, "out of the integration's scope");
        }
        Instant now = Instant.now();
        if (record.deleted()) {
            Contact deleted = live;
            if (deleted != null && deletesAs.isPresent()) {
                contacts.delete(deleted.id);
                boolean archived = deletesAs.get() == IntegrationDefinition.DeletePolicy.ARCHIVE;
                if (!archived) {
                    states.forget(integration.id(), deleted.id); // a record with this id again is someone new
                }
                log.append(SyncLogEntry.success(integration.id(), archived
                        ? "contact.received.archived"
                        : "contact.received.deleted", deleted.id, record.externalId()));
                return new Applied(Applied.Kind.DELETE, deleted.id, List.of(), archived ? "archived" : "deleted");
            }
            return Applied.skipped(deleted == null ? null : deleted.id, deleted == null
                    ? "a deletion of a record Komo does not hold"
                    : "the integration does not take deletes (onDelete)");
        }
        boolean archives = deletesAs.filter(d -> d == IntegrationDefinition.DeletePolicy.ARCHIVE).isPresent();
        Contact existing = state.isPresent() ? linkedContact(state.get(), archives) : live;
        IntegrationDefinition.Mode mode = definition.modeOrDefault();
        if (existing == null) {
            if (mode != IntegrationDefinition.Mode.UPDATE_ONLY) {
                ContactService.Saved created = contacts.create(mapper.valueToTree(komo.record()), false);
                states.save(List.of(
                        new SyncState(integration.id(), created.contact().id(), record.externalId(), incoming, now)));
                log.append(SyncLogEntry.success(integration.id(), "contact.received.created", created.contact().id(),
                        record.externalId()));
                return new Applied(Applied.Kind.CREATE, created.contact().id(),
                        Applied.changes(Map.of(), KomoRecords.flatten(komo.record())), null);
            }
            return Applied.skipped(null, "no contact matches it and the integration only updates (mode update-only)");
        }
        if (mode == IntegrationDefinition.Mode.CREATE_ONLY) {
            return Applied.skipped(existing.id,
                    "the contact exists and the integration only creates (mode create-only)");
        }
        Map<String, Object> contact = mapper.convertValue(ContactView.of(existing), MAP);
        if (state.isEmpty() && states.load(integration.id(), List.of(existing.id)).isEmpty()) {
            return mergeFirstMatch(integration, record, match, contact, komo.record(), now);
        }
        SyncState known = state.orElseGet(() -> states.load(integration.id(), List.of(existing.id)).get(existing.id));
        Map<String, Object> base = known.base();
        Set<String> stale = dropStale
                ? StaleChanges.staleFields(incoming, changedAt, base, known::lastSentAt)
                : Set.of();
        MappingResult komoAsExternal = integration.mapper().toExternal(contact);
        MergeResult merge = resolver.merge(existing.id.toString(), base,
                SideSnapshot.of(komoAsExternal.record(), KomoRecords.externalModifiedAt(integration, contact)),
                externalSide(StaleChanges.without(incoming, stale), changedAt, now), integration.conflictPolicy());
        String externalIdForLog = record.externalId();
        // What the platform reported (old) and what both sides hold since Komo's later write (new).
        log.append(stale.stream().map(field -> SyncLogEntry.fieldChanged(integration.id(), "field.received.stale",
                existing.id, externalIdForLog, field, SyncLogEntry.text(incoming.get(field)),
                SyncLogEntry.text(base.get(field)))).toList());
        if (merge.isEmpty()) {
            return Applied.skipped(existing.id, "nothing changes"); // an echo of our own write, or nothing new
        }
        List<SyncLogEntry> entries = new ArrayList<>(SyncLogEntry.conflicts(integration.id(), existing.id,
                externalIdForLog, merge.decisions()));
        List<Applied.FieldChange> written = List.of();
        if (!merge.komoWrites().isEmpty()) {
            MappingResult writes = integration.mapper().toKomo(merge.komoWrites());
            written = Applied.changes(KomoRecords.flatten(contact), KomoRecords.flatten(writes.record()));
            contacts.patch(existing.id, mapper.valueToTree(writes.record()));
            entries.add(
                    SyncLogEntry.success(integration.id(), "contact.received.updated", existing.id, externalIdForLog));
            merge.komoWrites().forEach((field, value) -> entries.add(SyncLogEntry.fieldChanged(integration.id(),
                    "field.received", existing.id, externalIdForLog, field,
                    SyncLogEntry.text(base == null ? null : base.get(field)), SyncLogEntry.text(value))));
        }
        log.append(entries);
        for (ManualConflict conflict : merge.manualConflicts()) {
            conflicts.park(integration.id(), existing.id, conflict);
        }
        String externalId = record.externalId() != null
                ? record.externalId()
                : state.map(SyncState::externalId).orElse(null);
        states.save(List.of(new SyncState(integration.id(), existing.id, externalId, agreedBase(base, merge), now)));
        if (!written.isEmpty()) {
            return new Applied(Applied.Kind.UPDATE, existing.id, written, null);
        }
        return Applied.skipped(existing.id, merge.manualConflicts().isEmpty()
                ? "nothing changes in Komo"
                : "its changes conflict with Komo's; they wait in the conflict queue");
    }

    /**
     * The live contact a known record is linked to. An archive keeps that link, so when an integration archives, the
     * archived record coming back brings its contact back (unless its email was taken meanwhile).
     */
    private Contact linkedContact(SyncState state, boolean archives) {
        Contact live = Contact.findLive(state.contactId());
        return live != null || !archives || !contacts.restore(state.contactId())
                ? live
                : Contact.findLive(state.contactId());
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
     * The first time an external record meets a Komo contact by its dedup key there is no base to merge
     * with: the integration's dedup strategy (newest wins, Komo wins, fill blanks) decides each field, and the
     * match and what each side gave are logged.
     */
    private Applied mergeFirstMatch(CompiledIntegration integration, InboundRecord record, DedupMatch match,
            Map<String, Object> contact, Map<String, Object> komoValues, Instant now) {
        Contact existing = match.contact();
        IntegrationDefinition.Dedup settings = integration.definition().dedup();
        DedupStrategy strategy = settings != null && settings.merge() != null
                ? settings.merge()
                : DedupStrategy.NEWEST_WINS;
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
        log.append(SyncLogEntry.firstMatch(integration.id(), existing.id, record.externalId(),
                match.key().wireName(), match.value(), flatExisting, flatIncoming, changes));
        Map<String, Object> agreed = integration.mapper()
                .toExternal(mapper.convertValue(ContactView.of(Contact.findLive(existing.id)), MAP)).record();
        states.save(List.of(new SyncState(integration.id(), existing.id, record.externalId(), agreed, now)));
        return changes.isEmpty()
                ? Applied.skipped(existing.id, "nothing changes")
                : new Applied(Applied.Kind.UPDATE, existing.id, Applied.changes(flatExisting, changes), null);
    }

    /**
     * Whether the contact, as it would be with the record's mapped values laid over it, is in the integration's scope
     * ({@code scope.filter}); a deletion is judged on the contact as it is. The values are laid over before the
     * conflict rules decide, so a record is judged by what it says, even where a rule would keep Komo's value.
     */
    private boolean inScope(CompiledIntegration integration, Contact existing, Map<String, Object> komoValues,
            boolean deleted) {
        if (integration.filter() == null) {
            return true;
        }
        Map<String, Object> after = existing == null
                ? new LinkedHashMap<>()
                : KomoRecords.flatten(mapper.convertValue(ContactView.of(existing), MAP));
        if (!deleted) {
            after.putAll(KomoRecords.flatten(komoValues));
        }
        return integration.filter().matches(KomoRecords.nest(after));
    }

    private static SideSnapshot externalSide(Map<String, Object> incoming, Map<String, Instant> changedAt,
            Instant now) {
        Map<String, Instant> times = new LinkedHashMap<>();
        incoming.keySet().forEach(field -> times.put(field, changedAt.getOrDefault(field, now)));
        return SideSnapshot.of(incoming, times);
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

    /** A stored webhook, or a pulled page when {@code runId} names its pull. */
    private record StoredEvent(UUID id, String body, Map<String, List<String>> headers, UUID runId) {
    }

    private List<StoredEvent> stored(Connection c, String integrationId) throws SQLException {
        try (PreparedStatement read = c.prepareStatement(
                "SELECT id, payload, headers::text, run_id FROM webhook_delivery WHERE direction = 'inbound' "
                        + "AND integration_id = ? AND status = 'received' ORDER BY received_at, id LIMIT ?")) {
            read.setString(1, integrationId);
            read.setInt(2, BATCH);
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
