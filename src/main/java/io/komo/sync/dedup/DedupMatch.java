package io.komo.sync.dedup;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonValue;

import io.komo.sync.contact.Contact;

/**
 * Which Komo contact an inbound record belongs to, and on what: a contact, none (the record is a new contact), or
 * no automatic answer, which a person gives through the duplicates review list.
 *
 * @param key        the key matched on; null when the record was already linked by its external id
 * @param value      the key's value as compared (normalised), or as the record gave it when it is unusable
 * @param contact    the contact the record applies to; null for a new contact, and while it awaits review
 * @param reason     why it awaits review; null when it does not
 * @param candidates the contacts a person can choose from when it awaits review
 */
public record DedupMatch(DedupKey key, String value, Contact contact, Reason reason, List<UUID> candidates) {

    /** Why a record cannot be matched automatically. */
    public enum Reason {
        /** Several contacts hold the key's value (or one holds it and another the record's email). */
        SEVERAL_MATCHES("several-matches"),
        /** No contact holds the key's value, but another holds the record's email, which Komo keeps unique. */
        EMAIL_TAKEN("email-taken"),
        /** The record's key value is blank or not a valid one (a phone that is no number). */
        NO_KEY_VALUE("no-key-value");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }
    }

    /** The contact the record's external id is linked to (null: it was deleted since). */
    public static DedupMatch linked(Contact contact) {
        return new DedupMatch(null, null, contact, null, List.of());
    }

    /** The record applies to {@code contact} (null: to a new contact) because of its {@code key} value. */
    public static DedupMatch to(DedupKey key, String value, Contact contact) {
        return new DedupMatch(key, value, contact, null, List.of());
    }

    static DedupMatch review(DedupKey key, String value, Reason reason, List<UUID> candidates) {
        return new DedupMatch(key, value, null, reason, List.copyOf(candidates));
    }

    public boolean needsReview() {
        return reason != null;
    }

    /** A first match: the record meets a Komo contact it was not linked to, by its key. */
    public boolean isFirstMatch() {
        return key != null && contact != null;
    }
}
