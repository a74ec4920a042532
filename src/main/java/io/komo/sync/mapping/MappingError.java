package io.komo.sync.mapping;

/**
 * A value of one record that could not be mapped; the record's other fields are still mapped.
 *
 * @param field the field that was not written: the platform field for {@code toExternal}, the Komo field for
 *              {@code toKomo}
 */
public record MappingError(String field, String message) {
}
