package io.komo.sync.mapping;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import io.komo.sync.contact.ContactPath;

/** Concatenation: the non-blank values of several Komo fields joined, e.g. first and last name. */
final class ConcatSource implements KomoValueSource {

    private final List<ContactPath> parts;
    private final String separator;

    ConcatSource(List<ContactPath> parts, String separator) {
        this.parts = parts;
        this.separator = separator;
    }

    @Override
    public Object read(Map<String, ?> komoRecord) {
        StringJoiner joined = new StringJoiner(separator);
        boolean anyPresent = false;
        for (ContactPath part : parts) {
            anyPresent |= part.isPresentIn(komoRecord);
            Object value = part.get(komoRecord);
            if (value != null && !value.toString().isBlank()) {
                joined.add(value.toString().trim());
            }
        }
        if (!anyPresent) {
            return ABSENT;
        }
        return joined.length() == 0 ? null : joined.toString();
    }
}
