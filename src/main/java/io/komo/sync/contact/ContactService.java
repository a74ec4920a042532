package io.komo.sync.contact;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.panache.common.Parameters;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.Page;
import io.komo.sync.api.ProblemException;

/**
 * The Komo side's write path: every change of a contact writes its outbox event in the same transaction.
 *
 * <p>Each write takes the outbox's write lock before it reads the contacts it changes (see {@link Outbox}),
 * so writes of one contact (an API call, an inbound sync batch, a Komo event) are applied one after the
 * other, each to the state the previous one committed. A PATCH therefore never answers 409 because a sync
 * wrote the same contact meanwhile, and no update is lost. Retrying on a version conflict would also
 * avoid the 409, but would leave the deadlock between a single-contact write (row lock, then write lock)
 * and an inbound batch (write lock, then the next contact's row lock); the one lock order cures both.
 * The API has no If-Match precondition, so there is no client-side version that could be stale.
 */
@ApplicationScoped
public class ContactService {

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "komo.contacts.default-phone-region")
    String defaultPhoneRegion;

    @Inject
    ContactStatistics statistics;

    @ConfigProperty(name = "komo.api.bulk-max-records")
    int bulkMaxRecords;

    private ContactInput input;

    @PostConstruct
    void init() {
        input = new ContactInput(defaultPhoneRegion, mapper);
    }

    /** A write's result: the contact and whether it was new. */
    public record Saved(ContactView contact, boolean created) {
    }

    /**
     * Starts a batch of writes in the caller's transaction, holding the outbox's write lock from now on; the caller
     * loads the contacts it will change, writes, and {@link ContactWrites#finish() finishes}.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public ContactWrites writes() {
        outbox.lockWrites();
        return new ContactWrites(input, outbox, now());
    }

    @Transactional
    public Saved create(JsonNode body, boolean merge) {
        ContactWrites writes = writes();
        String email = ContactInput.emailOf(body);
        writes.load(List.of(), email == null ? List.of() : List.of(email), List.of());
        Contact existing = email == null ? null : writes.liveByEmail(email);
        if (existing != null && !merge) {
            throw ProblemException.conflict("A contact with email " + email + " already exists (id " + existing.id
                    + "); send ?merge=true to merge into it");
        }
        Saved saved = existing != null
                ? new Saved(writes.update(existing, body, ContactInput.Mode.MERGE, ""), false)
                : new Saved(ContactView.of(writes.insert(body, "")), true);
        writes.finish();
        return saved;
    }

    @Transactional
    public ContactView replace(UUID id, JsonNode body) {
        return change(id, body, ContactInput.Mode.REPLACE);
    }

    @Transactional
    public ContactView patch(UUID id, JsonNode body) {
        return change(id, body, ContactInput.Mode.MERGE);
    }

    private ContactView change(UUID id, JsonNode body, ContactInput.Mode mode) {
        ContactWrites writes = writes();
        String email = ContactInput.emailOf(body);
        writes.load(List.of(id), email == null ? List.of() : List.of(email), List.of());
        Contact contact = writes.live(id);
        if (contact == null) {
            throw ProblemException.notFound("No contact with id " + id);
        }
        ContactView view = writes.update(contact, body, mode, "");
        writes.finish();
        return view;
    }

    public ContactView get(UUID id) {
        return ContactView.of(live(id));
    }

    @Transactional
    public void delete(UUID id) {
        ContactWrites writes = writes();
        writes.delete(live(id));
        writes.finish();
    }

    /**
     * Brings an archived (soft-deleted) contact back, as a {@code contact.created} change; false when there is no such
     * contact or a live contact has taken its email meanwhile. For a platform record that was archived and came back.
     */
    @Transactional
    public boolean restore(UUID id) {
        ContactWrites writes = writes();
        boolean restored = writes.restore(id) != null;
        writes.finish();
        return restored;
    }

    /** Search criteria of {@code GET /api/contacts}; null means "any". */
    public record Search(String email, String tier, String list, Instant updatedSince) {
    }

    public Page<ContactView> search(Search search, int limit, UUID after) {
        StringBuilder query = new StringBuilder("deletedAt is null");
        Parameters params = new Parameters();
        if (search.email() != null) {
            query.append(" and email = :email");
            params.and("email", EmailAddresses.normalise(search.email()).orElse(search.email().trim()));
        }
        if (search.tier() != null) {
            query.append(" and tier = :tier");
            params.and("tier", search.tier());
        }
        if (search.list() != null) {
            query.append(" and array_contains(lists, :list)");
            params.and("list", search.list());
        }
        if (search.updatedSince() != null) {
            query.append(" and updatedAt >= :since");
            params.and("since", search.updatedSince());
        }
        if (after != null) {
            query.append(" and id > :after");
            params.and("after", after);
        }
        List<Contact> rows = Contact.<Contact>find(query + " order by id", params).page(0, limit + 1).list();
        boolean more = rows.size() > limit;
        List<ContactView> items = rows.stream().limit(limit).map(ContactView::of).toList();
        return new Page<>(items, more ? items.get(items.size() - 1).id().toString() : null);
    }

    /** One record's outcome in a bulk call. */
    public record BulkItem(int index, String status, UUID id, List<FieldError> errors) {
    }

    /** The answer of a bulk call: per-record results in input order, with totals. */
    public record BulkResult(int created, int updated, int unchanged, int failed, List<BulkItem> results) {
    }

    /**
     * Creates or merges up to {@code komo.api.bulk-max-records} contacts in one transaction. A record
     * that is invalid, or whose email exists without {@code merge}, fails alone with its reason.
     */
    @Transactional
    public BulkResult bulk(List<JsonNode> records, boolean merge) {
        if (records.size() > bulkMaxRecords) {
            throw ProblemException.invalid("contacts",
                    "at most " + bulkMaxRecords + " contacts per call, got " + records.size());
        }
        statistics.analyzeIfStale(); // before the write lock, which would hold every other writer meanwhile
        ContactWrites writes = writes();
        writes.load(List.of(), records.stream().map(ContactInput::emailOf).filter(e -> e != null).toList(), List.of());
        List<BulkItem> results = new ArrayList<>(records.size());
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int failed = 0;
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String prefix = "contacts[" + i + "]";
            String email = ContactInput.emailOf(record);
            Contact existing = email == null ? null : writes.liveByEmail(email);
            try {
                if (existing == null) {
                    Contact inserted = writes.insert(record, prefix);
                    results.add(new BulkItem(i, "created", inserted.id, List.of()));
                    created++;
                } else if (!merge) {
                    results.add(new BulkItem(i, "error", existing.id, List.of(new FieldError(prefix + ".email",
                            "a contact with this email already exists; send merge=true to merge"))));
                    failed++;
                } else {
                    int before = writes.eventCount();
                    writes.update(existing, record, ContactInput.Mode.MERGE, prefix);
                    boolean changed = writes.changedSince(before);
                    results.add(new BulkItem(i, changed ? "updated" : "unchanged", existing.id, List.of()));
                    if (changed) {
                        updated++;
                    } else {
                        unchanged++;
                    }
                }
            } catch (ProblemException e) {
                results.add(new BulkItem(i, "error", null, e.problem().errors()));
                failed++;
            }
        }
        writes.finish();
        return new BulkResult(created, updated, unchanged, failed, results);
    }

    /** Applies a change made by Komo itself (an event) and records it; used by {@link KomoEventService}. */
    void touch(Contact contact, List<String> changedFields, Instant now, List<ChangeEvent.Draft> events) {
        String stamp = now.toString();
        changedFields.forEach(f -> contact.fieldModifiedAt.put(f, stamp));
        contact.updatedAt = now;
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_UPDATED, contact.id, changedFields, ContactView.of(contact),
                now));
    }

    /** Microsecond precision, as PostgreSQL keeps it, so an answer shows what a later read returns. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static Contact live(UUID id) {
        Contact contact = Contact.findLive(id);
        if (contact == null) {
            throw ProblemException.notFound("No contact with id " + id);
        }
        return contact;
    }
}
