package io.komo.sync.dedup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.contact.Contact;
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

    public DedupMatch match(DedupKey key, String externalId, Map<String, Object> komo) {
        Optional<String> email = text(komo.get("email")).flatMap(EmailAddresses::normalise);
        return switch (key) {
            case EMAIL -> email.map(value -> DedupMatch.to(key, value, Contact.findLiveByEmail(value)))
                    .orElseGet(() -> unusable(key, komo.get("email")));
            case PHONE -> text(komo.get("phone")).flatMap(raw -> PhoneNumbers.toE164(raw, phoneRegion))
                    .map(value -> byValue(key, value, Contact.find("phone = ?1 and deletedAt is null", value)
                            .range(0, MAX_CANDIDATES - 1).list(), email))
                    .orElseGet(() -> unusable(key, komo.get("phone")));
            // The link by external id was looked for before; an id Komo does not know is a new contact.
            case EXTERNAL_ID -> text(externalId).map(value -> byValue(key, value, List.of(), email))
                    .orElseGet(() -> unusable(key, externalId));
        };
    }

    /**
     * A match on a key other than email, {@code holders} being the contacts with its value. The record's email must
     * not belong to a different contact: Komo keeps emails unique, so neither merging into the holder nor creating a
     * contact could take it.
     */
    private static DedupMatch byValue(DedupKey key, String value, List<Contact> holders, Optional<String> email) {
        List<UUID> candidates = new ArrayList<>(holders.stream().map(contact -> contact.id).toList());
        email.map(Contact::findLiveByEmail).filter(owner -> !candidates.contains(owner.id))
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
