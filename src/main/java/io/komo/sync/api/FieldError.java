package io.komo.sync.api;

/** One offending field of a rejected request: {@code field} is a JSON path such as {@code contacts[3].email}. */
public record FieldError(String field, String message) {

    public FieldError prefixed(String prefix) {
        return new FieldError(prefix + (field.startsWith("[") ? "" : ".") + field, message);
    }
}
