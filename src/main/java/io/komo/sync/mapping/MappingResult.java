package io.komo.sync.mapping;

import java.util.List;
import java.util.Map;

/** A mapped record and the fields that could not be mapped. */
public record MappingResult(Map<String, Object> record, List<MappingError> errors) {

    public boolean hasErrors() {
        return !errors.isEmpty();
    }
}
