package io.komo.sync.contact;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Transactional
    public Saved create(JsonNode body, boolean merge) {
        outbox.lockWrites();
        Instant now = now();
        String email = ContactInput.emailOf(body);
        Contact existing = email == null ? null : Contact.findLiveByEmail(email);
        if (existing != null && !merge) {
            throw ProblemException.conflict("A contact with email " + email + " already exists (id " + existing.id
                    + "); send ?merge=true to merge into it");
        }
        List<ChangeEvent.Draft> events = new ArrayList<>();
        Saved saved = existing != null
                ? new Saved(update(existing, body, ContactInput.Mode.MERGE, now, events, ""), false)
                : new Saved(ContactView.of(insert(body, now, events, "")), true);
        outbox.append(events);
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
        outbox.lockWrites();
        Contact contact = live(id);
        String email = ContactInput.emailOf(body);
        if (email != null && !email.equals(contact.email)) {
            Contact other = Contact.findLiveByEmail(email);
            if (other != null) {
                throw ProblemException.conflict("Another contact (id " + other.id + ") already has email " + email);
            }
        }
        List<ChangeEvent.Draft> events = new ArrayList<>();
        ContactView view = update(contact, body, mode, now(), events, "");
        outbox.append(events);
        return view;
    }

    public ContactView get(UUID id) {
        return ContactView.of(live(id));
    }

    @Transactional
    public void delete(UUID id) {
        outbox.lockWrites();
        Contact contact = live(id);
        Instant now = now();
        contact.deletedAt = now;
        contact.updatedAt = now;
        outbox.append(List.of(ChangeEvent.Draft.of(ChangeEvent.CONTACT_DELETED, contact.id, List.of(),
                ContactView.of(contact), now)));
    }

    /**
     * Brings an archived (soft-deleted) contact back, as a {@code contact.created} change; false when there is no such
     * contact or a live contact has taken its email meanwhile. For a platform record that was archived and came back.
     */
    @Transactional
    public boolean restore(UUID id) {
        outbox.lockWrites();
        Contact contact = Contact.findById(id);
        if (contact == null || contact.deletedAt == null || Contact.findLiveByEmail(contact.email) != null) {
            return false;
        }
        Instant now = now();
        contact.deletedAt = null;
        contact.updatedAt = now;
        outbox.append(List.of(ChangeEvent.Draft.of(ChangeEvent.CONTACT_CREATED, contact.id, List.of(),
                ContactView.of(contact), now)));
        return true;
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
        outbox.lockWrites();
        Instant now = now();
        Map<String, Contact> byEmail = existingByEmail(records);
        List<ChangeEvent.Draft> events = new ArrayList<>();
        List<BulkItem> results = new ArrayList<>(records.size());
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int failed = 0;
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            String prefix = "contacts[" + i + "]";
            String email = ContactInput.emailOf(record);
            Contact existing = email == null ? null : byEmail.get(email);
            try {
                if (existing == null) {
                    Contact inserted = insert(record, now, events, prefix);
                    byEmail.put(inserted.email, inserted);
                    results.add(new BulkItem(i, "created", inserted.id, List.of()));
                    created++;
                } else if (!merge) {
                    results.add(new BulkItem(i, "error", existing.id, List.of(new FieldError(prefix + ".email",
                            "a contact with this email already exists; send merge=true to merge"))));
                    failed++;
                } else {
                    int before = events.size();
                    update(existing, record, ContactInput.Mode.MERGE, now, events, prefix);
                    boolean changed = events.size() > before;
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
        outbox.append(events);
        return new BulkResult(created, updated, unchanged, failed, results);
    }

    private Map<String, Contact> existingByEmail(List<JsonNode> records) {
        List<String> emails = records.stream().map(ContactInput::emailOf).filter(e -> e != null).distinct().toList();
        Map<String, Contact> byEmail = new HashMap<>();
        int chunk = 1000;
        for (int from = 0; from < emails.size(); from += chunk) {
            List<String> part = emails.subList(from, Math.min(emails.size(), from + chunk));
            Contact.<Contact>list("email in ?1 and deletedAt is null", part).forEach(c -> byEmail.put(c.email, c));
        }
        return byEmail;
    }

    private Contact insert(JsonNode body, Instant now, List<ChangeEvent.Draft> events, String errorPrefix) {
        Contact contact = new Contact();
        contact.id = UUID.randomUUID();
        contact.createdAt = now;
        contact.updatedAt = now;
        ContactInput.Outcome outcome = input.apply(contact, body, ContactInput.Mode.CREATE, now);
        reject(outcome, errorPrefix);
        contact.persist();
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_CREATED, contact.id, outcome.changedFields(),
                ContactView.of(contact), now));
        return contact;
    }

    private ContactView update(Contact contact, JsonNode body, ContactInput.Mode mode, Instant now,
            List<ChangeEvent.Draft> events, String errorPrefix) {
        ContactInput.Outcome outcome = input.apply(contact, body, mode, now);
        reject(outcome, errorPrefix);
        if (!outcome.changedFields().isEmpty()) {
            contact.updatedAt = now;
            events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_UPDATED, contact.id, outcome.changedFields(),
                    ContactView.of(contact), now));
        }
        return ContactView.of(contact);
    }

    /** Applies a change made by Komo itself (an event) and records it; used by {@link KomoEventService}. */
    void touch(Contact contact, List<String> changedFields, Instant now, List<ChangeEvent.Draft> events) {
        String stamp = now.toString();
        changedFields.forEach(f -> contact.fieldModifiedAt.put(f, stamp));
        contact.updatedAt = now;
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_UPDATED, contact.id, changedFields, ContactView.of(contact),
                now));
    }

    private static void reject(ContactInput.Outcome outcome, String prefix) {
        if (!outcome.valid()) {
            throw ProblemException.invalid(prefix.isEmpty()
                    ? outcome.errors()
                    : outcome.errors().stream().map(e -> e.field().isEmpty()
                            ? new FieldError(prefix, e.message())
                            : e.prefixed(prefix)).toList());
        }
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
