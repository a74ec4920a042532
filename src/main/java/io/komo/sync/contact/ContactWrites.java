package io.komo.sync.contact;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;

/**
 * Writes of many contacts in the caller's transaction, made from contacts loaded up front: a batch reads its contacts
 * with {@link #load} in one or two queries, then decides and writes without another query, and {@link #finish} flushes
 * the writes in JDBC batches with their outbox events. A query in between would make Hibernate flush whatever was
 * written so far, one record at a time. The outbox's write lock is held from the start (see {@link ContactService}).
 *
 * <p>The contacts created or re-addressed here are known to the later lookups of the same batch, so two records with
 * one email in a batch find each other as they would one transaction after the other.
 */
public final class ContactWrites {

    private final ContactInput input;
    private final Outbox outbox;
    private final Instant now;
    private final Map<UUID, Contact> liveById = new HashMap<>();
    private final Map<String, Contact> liveByEmail = new HashMap<>();
    private final Map<String, List<Contact>> liveByPhone = new HashMap<>();
    private final List<ChangeEvent.Draft> events = new ArrayList<>();

    ContactWrites(ContactInput input, Outbox outbox, Instant now) {
        this.input = input;
        this.outbox = outbox;
        this.now = now;
    }

    /** The time every write of the batch is stamped with. */
    public Instant now() {
        return now;
    }

    /**
     * Loads the live contacts with these ids, normalised emails and E.164 phones; later lookups of them answer from
     * what was loaded. Every email a write of the batch may give a contact must be among {@code emails}, so that its
     * uniqueness is checked against what the database holds.
     */
    public void load(Collection<UUID> ids, Collection<String> emails, Collection<String> phones) {
        chunked(ids.stream().filter(id -> !liveById.containsKey(id)).distinct().toList(),
                part -> Contact.<Contact>list("id in ?1 and deletedAt is null", part).forEach(this::know));
        chunked(emails.stream().filter(e -> !liveByEmail.containsKey(e)).distinct().toList(),
                part -> Contact.<Contact>list("email in ?1 and deletedAt is null", part).forEach(this::know));
        List<String> unknownPhones = phones.stream().filter(p -> !liveByPhone.containsKey(p)).distinct().toList();
        unknownPhones.forEach(phone -> liveByPhone.put(phone, new ArrayList<>()));
        chunked(unknownPhones, part -> Contact.<Contact>list("phone in ?1 and deletedAt is null", part)
                .forEach(contact -> {
                    know(contact);
                    liveByPhone.get(contact.phone).add(contact);
                }));
    }

    private static <T> void chunked(List<T> values, java.util.function.Consumer<List<T>> query) {
        int chunk = 1000;
        for (int from = 0; from < values.size(); from += chunk) {
            query.accept(values.subList(from, Math.min(values.size(), from + chunk)));
        }
    }

    private void know(Contact contact) {
        Contact known = liveById.putIfAbsent(contact.id, contact);
        if (known == null && contact.email != null) {
            liveByEmail.put(contact.email, contact);
        }
    }

    /** The live contact with this id, if it was loaded or created here; null otherwise. */
    public Contact live(UUID id) {
        return liveById.get(id);
    }

    /** The live contact with this normalised email, among those loaded or written here; null if none. */
    public Contact liveByEmail(String email) {
        return liveByEmail.get(email);
    }

    /** The live contacts with this E.164 phone, among those loaded (by {@link #load}'s phones) or written here. */
    public List<Contact> liveByPhone(String phone) {
        return List.copyOf(liveByPhone.getOrDefault(phone, List.of()));
    }

    /**
     * Creates a contact from an API-shaped body; an invalid body, or an email another live contact has ({@link #load}
     * must have loaded it), is a {@link ProblemException}, and nothing is written.
     */
    public Contact insert(JsonNode body, String errorPrefix) {
        String email = ContactInput.emailOf(body);
        Contact other = email == null ? null : liveByEmail.get(email);
        if (other != null) {
            throw ProblemException.conflict("A contact with email " + email + " already exists (id " + other.id + ")");
        }
        Contact contact = new Contact();
        contact.id = UUID.randomUUID();
        contact.createdAt = now;
        contact.updatedAt = now;
        ContactInput.Outcome outcome = input.apply(contact, body, ContactInput.Mode.CREATE, now);
        reject(outcome, errorPrefix);
        contact.persist();
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_CREATED, contact.id, outcome.changedFields(),
                ContactView.of(contact), now));
        know(contact);
        indexPhone(contact);
        return contact;
    }

    /**
     * Changes a live contact from an API-shaped body; an invalid body is a {@link ProblemException} and changes
     * nothing. An email that another live contact has is refused the same way ({@link #load} must have loaded it).
     */
    public ContactView update(Contact contact, JsonNode body, ContactInput.Mode mode, String errorPrefix) {
        String email = ContactInput.emailOf(body);
        if (email != null && !email.equals(contact.email)) {
            Contact other = liveByEmail.get(email);
            if (other != null && !other.id.equals(contact.id)) {
                throw ProblemException.conflict("Another contact (id " + other.id + ") already has email " + email);
            }
        }
        String emailBefore = contact.email;
        String phoneBefore = contact.phone;
        ContactInput.Outcome outcome = input.apply(contact, body, mode, now);
        reject(outcome, errorPrefix);
        if (!outcome.changedFields().isEmpty()) {
            contact.updatedAt = now;
            events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_UPDATED, contact.id, outcome.changedFields(),
                    ContactView.of(contact), now));
        }
        if (emailBefore != null && !emailBefore.equals(contact.email)) {
            liveByEmail.remove(emailBefore);
        }
        if (contact.email != null) {
            liveByEmail.put(contact.email, contact);
        }
        if (phoneBefore != null && !phoneBefore.equals(contact.phone)) {
            liveByPhone.getOrDefault(phoneBefore, new ArrayList<>()).remove(contact);
            indexPhone(contact);
        }
        return ContactView.of(contact);
    }

    private void indexPhone(Contact contact) {
        if (contact.phone != null && liveByPhone.containsKey(contact.phone)) {
            liveByPhone.get(contact.phone).add(contact);
        }
    }

    /** Archives (soft-deletes) a live contact. */
    public void delete(Contact contact) {
        contact.deletedAt = now;
        contact.updatedAt = now;
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_DELETED, contact.id, List.of(), ContactView.of(contact),
                now));
        liveById.remove(contact.id);
        liveByEmail.remove(contact.email, contact);
        if (contact.phone != null) {
            liveByPhone.getOrDefault(contact.phone, new ArrayList<>()).remove(contact);
        }
    }

    /**
     * Brings an archived contact back, as a {@code contact.created} change; null when there is no such contact or a
     * live contact has taken its email meanwhile. Reads the database: archived contacts are not loaded up front.
     */
    public Contact restore(UUID id) {
        Contact contact = Contact.findById(id);
        if (contact == null || contact.deletedAt == null || liveByEmail(contact.email) != null
                || Contact.findLiveByEmail(contact.email) != null) {
            return null;
        }
        contact.deletedAt = null;
        contact.updatedAt = now;
        events.add(ChangeEvent.Draft.of(ChangeEvent.CONTACT_CREATED, contact.id, List.of(), ContactView.of(contact),
                now));
        know(contact);
        indexPhone(contact);
        return contact;
    }

    /** Whether the batch has written anything since it started or last finished. */
    public boolean changedSince(int eventsBefore) {
        return events.size() > eventsBefore;
    }

    /** How many change events the batch holds so far. */
    public int eventCount() {
        return events.size();
    }

    /** Flushes the batch's contact writes and appends their outbox events; the batch may go on afterwards. */
    public void finish() {
        outbox.append(List.copyOf(events));
        events.clear();
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
}
