package io.komo.sync.contact;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Emails are the dedup key of contacts, so every path that stores or looks one up normalises it here. */
public final class EmailAddresses {

    private static final Pattern SHAPE = Pattern.compile("^[^\\s@]+@[^\\s@]+\\.[^\\s@.]+$");
    static final int MAX_LENGTH = 320;

    private EmailAddresses() {
    }

    /** The normalised form, or empty when the text is not an email address. */
    public static Optional<String> normalise(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String email = raw.trim().toLowerCase(Locale.ROOT);
        return email.length() <= MAX_LENGTH && SHAPE.matcher(email).matches() ? Optional.of(email) : Optional.empty();
    }
}
