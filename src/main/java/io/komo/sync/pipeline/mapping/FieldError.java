package io.komo.sync.pipeline.mapping;

/**
 * A problem in an integration definition.
 *
 * @param field where, as a path into the definition: {@code mapping[3].transform.date.zone}
 */
public record FieldError(String field, String message) {
}
