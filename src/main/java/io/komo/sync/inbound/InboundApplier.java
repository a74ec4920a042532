package io.komo.sync.inbound;

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
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.ProblemException;
import io.komo.sync.conflict.ConflictQueue;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactInput;
import io.komo.sync.contact.ContactService;
import io.komo.sync.contact.ContactStatistics;
import io.komo.sync.contact.ContactView;
import io.komo.sync.contact.ContactWrites;
import io.komo.sync.dedup.DedupKey;
import io.komo.sync.dedup.DedupMatch;
import io.komo.sync.dedup.DedupMatcher;
import io.komo.sync.dedup.DedupMerger;
import io.komo.sync.dedup.DedupStrategy;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.duplicate.DuplicateQueue;
import io.komo.sync.duplicate.ParkedRecordApplier;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.errors.DeadLetterChannel;
import io.komo.sync.mapping.MappingResult;
import io.komo.sync.merge.ManualConflict;
import io.komo.sync.merge.MergeResolver;
import io.komo.sync.merge.MergeResult;
import io.komo.sync.merge.SideSnapshot;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.KomoRecords;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.state.StaleChanges;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;

/**
 * Applies external records to Komo, a batch at a time, in the caller's transaction: map to Komo fields, find each
 * record's contact (known external id, else the integration's {@code dedup.key}; a record that matches no single
 * contact waits in the duplicates review list), then merge three ways with the base so that only real external changes
 * are written, conflicts follow the integration's rules, and the echo of the runtime's own write is dropped.
 *
 * <p>A batch reads what it needs in a few statements up front (the states of its external ids, the contacts of those
 * states and of its records' emails and phones, those contacts' states), decides record by record in memory — each
 * record sees what the ones before it in the batch wrote — and writes at the end: the contacts and their outbox
 * events in JDBC batches, the states in one statement, the sync log in one COPY. The records of a batch are applied in
 * the order given, so one contact's changes are applied in the order they arrived.
 *
 * <p>A record Komo refuses (a value it cannot store, an email another contact holds) is dead-lettered on its own and
 * the batch goes on; any other failure fails the whole batch, which the caller then retries one record at a time to
 * find the one that fails.
 */
@ApplicationScoped
public class InboundApplier implements ParkedRecordApplier {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /**
     * One external record to apply.
     *
     * @param changedAt per platform field, when the platform changed it (fields without one count as changed now)
     * @param chosen    the contact a person chose for the record; null to find it by external id, else dedup
     */
    public record Incoming(InboundRecord record, Map<String, Instant> changedAt, DedupMatch chosen) {
    }

    private final MergeResolver resolver = new MergeResolver();
    private final DedupMerger dedup = new DedupMerger();

    @Inject
    RunningIntegrations integrations;

    @Inject
    ContactService contacts;

    @Inject
    ContactStatistics statistics;

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
    DedupMatcher matcher;

    @Inject
    DuplicateQueue duplicates;

    /**
     * Applies one external record read from the platform (not from a webhook), with the normal merge rules, in the
     * caller's transaction. Used by the drift check's repair: the record is the platform's state read just now, so it
     * is taken even where Komo wrote a field after the record's change time (that write evidently did not land),
     * rather than dropped as a late echo.
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
        return apply(integration, List.of(new Incoming(record, changedAt, null)), dropStale).get(0);
    }

    /** Applies a record from the duplicates review list to the contact a person chose, in the caller's transaction. */
    @Override
    public void applyChosen(String integrationId, InboundRecord record, Map<String, Instant> fieldChangedAt,
            DedupMatch choice) {
        // The person who chose hears why Komo refuses the record, rather than finding it among the dead letters.
        new Batch(integrations.find(integrationId).orElseThrow(), contacts.writes(), true, false)
                .applyAll(List.of(new Incoming(record, fieldChangedAt, choice)));
    }

    /**
     * Applies the records, in order, and answers what each did.
     *
     * @param dropStale whether a field changed on the platform before Komo's last write of it is dropped
     *                  ({@link StaleChanges}); true for reported changes, which can arrive late
     */
    public List<Applied> apply(CompiledIntegration integration, List<Incoming> records, boolean dropStale) {
        // An import outdates the contact table's statistics within seconds, and the batches' lookups would then scan
        // the table; refreshed beside the batch, which must not wait for an ANALYZE (up to seconds).
        statistics.refreshIfStale();
        // The writes start before any contact is read, so the merge sees what Komo holds now and nobody changes it
        // until the transaction commits (see Outbox).
        return new Batch(integration, contacts.writes(), dropStale, true).applyAll(records);
    }

    /** One batch's reads, the decisions made so far, and the writes they wait to make. */
    private final class Batch {

        private final CompiledIntegration integration;
        private final IntegrationDefinition definition;
        private final ContactWrites writes;
        private final boolean dropStale;
        /** Whether a record Komo refuses is dead-lettered (the batch goes on) or its refusal thrown. */
        private final boolean deadLetterRefusals;
        private final Instant now;
        private final Map<String, SyncState> byExternalId = new HashMap<>();
        private final Map<UUID, SyncState> byContact = new HashMap<>();
        /** The states to write, by contact; the last decision of a contact wins. */
        private final Map<UUID, SyncState> toSave = new LinkedHashMap<>();
        /** Contacts this batch created: they had no state, so theirs can be appended rather than upserted. */
        private final Set<UUID> created = new HashSet<>();
        private final List<SyncLogEntry> entries = new ArrayList<>();

        Batch(CompiledIntegration integration, ContactWrites writes, boolean dropStale, boolean deadLetterRefusals) {
            this.integration = integration;
            this.definition = integration.definition();
            this.writes = writes;
            this.dropStale = dropStale;
            this.deadLetterRefusals = deadLetterRefusals;
            this.now = writes.now();
        }

        List<Applied> applyAll(List<Incoming> records) {
            List<MappingResult> mapped = records.stream()
                    .map(in -> integration.mapper().toKomo(mappedOnly(integration, in.record().fields()))).toList();
            load(records, mapped);
            List<Applied> results = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                results.add(applyOne(records.get(i), mapped.get(i)));
            }
            finish();
            return results;
        }

        void load(List<Incoming> records, List<MappingResult> mapped) {
            List<String> externalIds = records.stream()
                    .filter(in -> in.chosen() == null && in.record().externalId() != null)
                    .map(in -> in.record().externalId()).distinct().toList();
            byExternalId.putAll(states.findByExternalIds(integration.id(), externalIds));
            Set<UUID> contactIds = new HashSet<>();
            byExternalId.values().forEach(state -> contactIds.add(state.contactId()));
            records.stream().filter(in -> in.chosen() != null && in.chosen().contact() != null)
                    .forEach(in -> contactIds.add(in.chosen().contact().id));
            Set<String> emails = new HashSet<>();
            Set<String> phones = new HashSet<>();
            boolean byPhone = definition.dedupKeyOrDefault() == DedupKey.PHONE;
            mapped.forEach(komo -> {
                DedupMatcher.email(komo.record()).ifPresent(emails::add);
                if (byPhone) {
                    matcher.phone(komo.record()).ifPresent(phones::add);
                }
            });
            writes.load(contactIds, emails, phones);
            Set<UUID> candidates = new HashSet<>(contactIds);
            emails.forEach(
                    email -> Optional.ofNullable(writes.liveByEmail(email)).ifPresent(c -> candidates.add(c.id)));
            phones.forEach(phone -> writes.liveByPhone(phone).forEach(c -> candidates.add(c.id)));
            byContact.putAll(states.load(integration.id(), candidates));
            byExternalId.values().forEach(state -> byContact.put(state.contactId(), state));
        }

        void finish() {
            writes.finish();
            Set<UUID> unstored = new HashSet<>(created);
            unstored.retainAll(toSave.keySet());
            states.save(List.copyOf(toSave.values()), unstored);
            log.append(entries);
        }

        /** Applies one record; a record Komo refuses is dead-lettered and answered as an error. */
        Applied applyOne(Incoming in, MappingResult komo) {
            Map<String, Object> incoming = mappedOnly(integration, in.record().fields());
            if (komo.hasErrors()) {
                deadLetters.add(List.of(new DeadLetter(integration.id(), "map", integration.id() + ".inbound-process",
                        null, jsonString(incoming), "MappingError", komo.errors().toString(), 1)));
                return Applied.failed("the record cannot be mapped: " + komo.errors());
            }
            List<SyncLogEntry> recordEntries = new ArrayList<>();
            try {
                Applied applied = decide(in, incoming, komo.record(), recordEntries);
                entries.addAll(recordEntries);
                return applied;
            } catch (ProblemException refused) {
                if (!deadLetterRefusals) {
                    throw refused;
                }
                String error = refused.problem().detail() + refused.problem().errors().stream()
                        .map(e -> "; " + e.field() + " " + e.message()).collect(Collectors.joining());
                deadLetters.add(List.of(new DeadLetter(integration.id(), "apply", integration.id() + ".inbound-process",
                        null, jsonString(in.record()), "Refused", error, 1)));
                return Applied.failed("Komo refuses the record: " + error);
            }
        }

        private Applied decide(Incoming in, Map<String, Object> incoming, Map<String, Object> komoRecord,
                List<SyncLogEntry> recordEntries) {
            InboundRecord record = in.record();
            Optional<SyncState> state = record.externalId() == null || in.chosen() != null
                    ? Optional.empty()
                    : Optional.ofNullable(byExternalId.get(record.externalId()));
            Optional<IntegrationDefinition.DeletePolicy> deletesAs = definition.deletesAs();
            DedupMatch match = in.chosen() != null
                    ? in.chosen()
                    : state.map(s -> DedupMatch.linked(writes.live(s.contactId())))
                            .orElseGet(() -> matcher.match(definition.dedupKeyOrDefault(), record.externalId(),
                                    komoRecord, writes));
            if (match.needsReview() && !record.deleted()) { // a deletion of a record never linked deletes nothing
                duplicates.park(integration.id(), record, in.changedAt(), match);
                return new Applied(Applied.Kind.REVIEW, null, List.of(), "no single contact matches it ("
                        + match.reason().wireName() + "); it waits in the duplicates review list");
            }
            Contact live = match.contact() == null ? null : writes.live(match.contact().id);
            if ((live != null || !record.deleted()) && !inScope(live, komoRecord, record.deleted())) {
                recordEntries.add(SyncLogEntry.success(integration.id(), "contact.received.skipped",
                        live == null ? null : live.id, record.externalId()));
                return Applied.skipped(live == null ? null : live.id, "out of the integration's scope");
            }
            if (record.deleted()) {
                return delete(record, live, deletesAs, recordEntries);
            }
            boolean archives = deletesAs.filter(d -> d == IntegrationDefinition.DeletePolicy.ARCHIVE).isPresent();
            Contact existing = state.isPresent() ? linkedContact(state.get(), archives) : live;
            IntegrationDefinition.Mode mode = definition.modeOrDefault();
            if (existing == null) {
                if (mode == IntegrationDefinition.Mode.UPDATE_ONLY) {
                    return Applied.skipped(null,
                            "no contact matches it and the integration only updates (mode update-only)");
                }
                Contact inserted = writes.insert(mapper.valueToTree(komoRecord), "");
                created.add(inserted.id);
                remember(new SyncState(integration.id(), inserted.id, record.externalId(), incoming, now));
                recordEntries.add(SyncLogEntry.success(integration.id(), "contact.received.created", inserted.id,
                        record.externalId()));
                return new Applied(Applied.Kind.CREATE, inserted.id,
                        Applied.changes(Map.of(), KomoRecords.flatten(komoRecord)), null);
            }
            if (mode == IntegrationDefinition.Mode.CREATE_ONLY) {
                return Applied.skipped(existing.id,
                        "the contact exists and the integration only creates (mode create-only)");
            }
            Map<String, Object> contact = mapper.convertValue(ContactView.of(existing), MAP);
            SyncState known = state.orElseGet(() -> byContact.get(existing.id));
            if (known == null) {
                return mergeFirstMatch(record, match, existing, contact, komoRecord, recordEntries);
            }
            return merge(in, existing, contact, known, state, incoming, recordEntries);
        }

        private Applied delete(InboundRecord record, Contact live,
                Optional<IntegrationDefinition.DeletePolicy> deletesAs, List<SyncLogEntry> recordEntries) {
            if (live == null || deletesAs.isEmpty()) {
                return Applied.skipped(live == null ? null : live.id, live == null
                        ? "a deletion of a record Komo does not hold"
                        : "the integration does not take deletes (onDelete)");
            }
            writes.delete(live);
            boolean archived = deletesAs.get() == IntegrationDefinition.DeletePolicy.ARCHIVE;
            if (!archived) { // a record with this id again is someone new
                SyncState forgotten = byContact.remove(live.id);
                if (forgotten != null && forgotten.externalId() != null) {
                    byExternalId.remove(forgotten.externalId());
                }
                toSave.remove(live.id);
                states.forget(integration.id(), live.id);
            }
            recordEntries.add(SyncLogEntry.success(integration.id(), archived
                    ? "contact.received.archived"
                    : "contact.received.deleted", live.id, record.externalId()));
            return new Applied(Applied.Kind.DELETE, live.id, List.of(), archived ? "archived" : "deleted");
        }

        private Applied merge(Incoming in, Contact existing, Map<String, Object> contact, SyncState known,
                Optional<SyncState> state, Map<String, Object> incoming, List<SyncLogEntry> recordEntries) {
            InboundRecord record = in.record();
            Map<String, Object> base = known.base();
            Set<String> stale = dropStale
                    ? StaleChanges.staleFields(incoming, in.changedAt(), base, known::lastSentAt)
                    : Set.of();
            MappingResult komoAsExternal = integration.mapper().toExternal(contact);
            MergeResult merge = resolver.merge(existing.id.toString(), base,
                    SideSnapshot.of(komoAsExternal.record(), KomoRecords.externalModifiedAt(integration, contact)),
                    externalSide(StaleChanges.without(incoming, stale), in.changedAt()), integration.conflictPolicy());
            String externalIdForLog = record.externalId();
            // What the platform reported (old) and what both sides hold since Komo's later write (new).
            stale.forEach(field -> recordEntries.add(SyncLogEntry.fieldChanged(integration.id(), "field.received.stale",
                    existing.id, externalIdForLog, field, SyncLogEntry.text(incoming.get(field)),
                    SyncLogEntry.text(base.get(field)))));
            if (merge.isEmpty()) {
                return Applied.skipped(existing.id, "nothing changes"); // an echo of our own write, or nothing new
            }
            List<Applied.FieldChange> written = List.of();
            if (!merge.komoWrites().isEmpty()) {
                MappingResult writesToKomo = integration.mapper().toKomo(merge.komoWrites());
                written = Applied.changes(KomoRecords.flatten(contact), KomoRecords.flatten(writesToKomo.record()));
                writes.update(existing, mapper.valueToTree(writesToKomo.record()), ContactInput.Mode.MERGE, "");
            }
            recordEntries.addAll(SyncLogEntry.conflicts(integration.id(), existing.id, externalIdForLog,
                    merge.decisions()));
            if (!merge.komoWrites().isEmpty()) {
                recordEntries.add(SyncLogEntry.success(integration.id(), "contact.received.updated", existing.id,
                        externalIdForLog));
                merge.komoWrites().forEach((field, value) -> recordEntries.add(SyncLogEntry.fieldChanged(
                        integration.id(), "field.received", existing.id, externalIdForLog, field,
                        SyncLogEntry.text(base == null ? null : base.get(field)), SyncLogEntry.text(value))));
            }
            for (ManualConflict conflict : merge.manualConflicts()) {
                conflicts.park(integration.id(), existing.id, conflict);
            }
            String externalId = record.externalId() != null
                    ? record.externalId()
                    : state.map(SyncState::externalId).orElse(known.externalId());
            remember(new SyncState(integration.id(), existing.id, externalId, agreedBase(base, merge), now));
            if (!written.isEmpty()) {
                return new Applied(Applied.Kind.UPDATE, existing.id, written, null);
            }
            return Applied.skipped(existing.id, merge.manualConflicts().isEmpty()
                    ? "nothing changes in Komo"
                    : "its changes conflict with Komo's; they wait in the conflict queue");
        }

        /**
         * The first time an external record meets a Komo contact by its dedup key there is no base to merge with: the
         * integration's dedup strategy (newest wins, Komo wins, fill blanks) decides each field, and the match and
         * what each side gave are logged.
         */
        private Applied mergeFirstMatch(InboundRecord record, DedupMatch match, Contact existing,
                Map<String, Object> contact, Map<String, Object> komoValues, List<SyncLogEntry> recordEntries) {
            IntegrationDefinition.Dedup settings = definition.dedup();
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
                writes.update(existing, mapper.valueToTree(KomoRecords.nest(changes)), ContactInput.Mode.MERGE, "");
            }
            recordEntries.addAll(SyncLogEntry.firstMatch(integration.id(), existing.id, record.externalId(),
                    match.key() == null ? null : match.key().wireName(), match.value(), flatExisting, flatIncoming,
                    changes));
            Map<String, Object> agreed = integration.mapper()
                    .toExternal(mapper.convertValue(ContactView.of(existing), MAP)).record();
            remember(new SyncState(integration.id(), existing.id, record.externalId(), agreed, now));
            return changes.isEmpty()
                    ? Applied.skipped(existing.id, "nothing changes")
                    : new Applied(Applied.Kind.UPDATE, existing.id, Applied.changes(flatExisting, changes), null);
        }

        /** A state decided by this batch: later records of the batch see it, and it is written at the end. */
        private void remember(SyncState state) {
            SyncState before = byContact.put(state.contactId(), state);
            if (before != null && before.externalId() != null && !before.externalId().equals(state.externalId())) {
                byExternalId.remove(before.externalId());
            }
            if (state.externalId() != null) {
                byExternalId.put(state.externalId(), state);
            }
            toSave.put(state.contactId(), state);
        }

        /**
         * The live contact a known record is linked to. An archive keeps that link, so when an integration archives,
         * the archived record coming back brings its contact back (unless its email was taken meanwhile).
         */
        private Contact linkedContact(SyncState state, boolean archives) {
            Contact live = writes.live(state.contactId());
            return live != null || !archives ? live : writes.restore(state.contactId());
        }

        /**
         * Whether the contact, as it would be with the record's mapped values laid over it, is in the integration's
         * scope ({@code scope.filter}); a deletion is judged on the contact as it is. The values are laid over before
         * the conflict rules decide, so a record is judged by what it says, even where a rule would keep Komo's value.
         */
        private boolean inScope(Contact existing, Map<String, Object> komoValues, boolean deleted) {
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

        private SideSnapshot externalSide(Map<String, Object> incoming, Map<String, Instant> changedAt) {
            Map<String, Instant> times = new LinkedHashMap<>();
            incoming.keySet().forEach(field -> times.put(field, changedAt.getOrDefault(field, now)));
            return SideSnapshot.of(incoming, times);
        }
    }

    /**
     * The merge's new base, except where Komo's value still has to reach the platform (Komo changed, or won a
     * conflict): there the old base stays, so the outbound side sees the difference and sends it. Claiming agreement
     * there would silently drop a Komo change that is waiting in the feed.
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

    /** Only the fields the integration maps take part; anything else the platform sends is not ours to sync. */
    static Map<String, Object> mappedOnly(CompiledIntegration integration, Map<String, Object> fields) {
        Map<String, Object> mapped = new LinkedHashMap<>();
        integration.definition().mappingOrEmpty().forEach(m -> {
            if (m.external() != null && fields.containsKey(m.external())) {
                mapped.put(m.external(), fields.get(m.external()));
            }
        });
        return mapped;
    }

    /** Dead letters keep their payload as JSON; a body that is not JSON is kept as a JSON string. */
    String jsonString(Object value) {
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
