package io.komo.sync.mapping;

import java.util.List;
import java.util.stream.Collectors;

import io.komo.sync.api.FieldError;

/** A field mapping that cannot be used; carries every problem found, for an RFC 7807 {@code errors[]}. */
public final class MappingDefinitionException extends Exception {

    private final List<FieldError> errors;

    public MappingDefinitionException(List<FieldError> errors) {
        super(errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
