package io.komo.sync.dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactWrites;
import io.komo.sync.contact.EmailAddresses;
import io.komo.sync.contact.PhoneNumbers;

/**
 * Finds the Komo contact an inbound record with no link yet belongs to, by the integration's {@code dedup.key}
 * (the record's Komo values, as mapped). Only a single, unambiguous match is merged automatically; anything else
 * waits for a person ({@link DedupMatch#needsReview()}).
 */
@ApplicationScoped
public class DedupMatcher {

    /** More candidates than this are not a choice a person can make from a list; the first ones are shown. */
    static final int MAX_CANDIDATES = 20;

    @ConfigProperty(name = "komo.contacts.default-phone-region")
    String phoneRegion;

    /**
     * The contact a record with these Komo values belongs to by the key, among the contacts {@code known} holds: it
     * must have loaded the record's {@link #email} and {@link #phone}.
     */
    public DedupMatch match(DedupKey key, String externalId, Map<String, Object> komo, ContactWrites known) {
        Optional<String> email = email(komo);
        return switch (key) {
            case EMAIL -> email.map(value -> DedupMatch.to(key, value, known.liveByEmail(value)))
                    .orElseGet(() -> unusable(key, komo.get("email")));
            case PHONE -> phone(komo).map(value -> byValue(key, value,
                    known.liveByPhone(value).stream().limit(MAX_CANDIDATES).toList(), email, known))
                    .orElseGet(() -> unusable(key, komo.get("phone")));
            // The link by external id was looked for before; an id Komo does not know is a new contact.
            case EXTERNAL_ID -> text(externalId).map(value -> byValue(key, value, List.of(), email, known))
                    .orElseGet(() -> unusable(key, externalId));
        };
    }

    /** The record's email as Komo keeps it (normalised), if it has a usable one. */
    public static Optional<String> email(Map<String, Object> komo) {
        return text(komo.get("email")).flatMap(EmailAddresses::normalise);
    }

    /** The record's phone as Komo keeps it (E.164), if it has a usable one. */
    public Optional<String> phone(Map<String, Object> komo) {
        return text(komo.get("phone")).flatMap(raw -> PhoneNumbers.toE164(raw, phoneRegion));
    }

    /**
     * A match on a key other than email, {@code holders} being the contacts with its value. The record's email must
     * not belong to a different contact: Komo keeps emails unique, so neither merging into the holder nor creating a
     * contact could take it.
     */
    private static DedupMatch byValue(DedupKey key, String value, List<Contact> holders, Optional<String> email,
            ContactWrites known) {
        List<UUID> candidates = new ArrayList<>(holders.stream().map(contact -> contact.id).toList());
        email.map(known::liveByEmail).filter(owner -> !candidates.contains(owner.id))
                .ifPresent(owner -> candidates.add(owner.id));
        if (candidates.isEmpty()) {
            return DedupMatch.to(key, value, null);
        }
        if (holders.size() == 1 && candidates.size() == 1) {
            return DedupMatch.to(key, value, holders.get(0));
        }
        return DedupMatch.review(key, value,
                holders.isEmpty() ? DedupMatch.Reason.EMAIL_TAKEN : DedupMatch.Reason.SEVERAL_MATCHES, candidates);
    }

    private static DedupMatch unusable(DedupKey key, Object raw) {
        return DedupMatch.review(key, raw == null ? null : raw.toString(), DedupMatch.Reason.NO_KEY_VALUE, List.of());
    }

    private static Optional<String> text(Object value) {
        return value == null || value.toString().isBlank() ? Optional.empty() : Optional.of(value.toString().trim());
    }
}
