package io.komo.sync.mapping;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.api.FieldError;

/**
 * Reads a {@code mapping:} list strictly: an unknown key (a typo such as {@code extrenal}) is an error naming
 * where it is, whatever the application's ObjectMapper does with unknown properties (Quarkus ignores them).
 */
public final class FieldMappingReader {

    private static final TypeReference<List<FieldMapping>> MAPPING_LIST = new TypeReference<>() {
    };
    private static final String ROOT = "mapping";

    private FieldMappingReader() {
    }

    public static List<FieldMapping> read(ObjectMapper mapper, JsonNode mappingList) throws MappingDefinitionException {
        try {
            return mapper.readerFor(MAPPING_LIST)
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(mappingList);
        } catch (JsonMappingException e) {
            throw new MappingDefinitionException(List.of(new FieldError(path(e), e.getOriginalMessage())));
        } catch (IOException e) {
            throw new MappingDefinitionException(List.of(new FieldError(ROOT, e.getMessage())));
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder(ROOT);
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            } else if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            }
        }
        return path.toString();
    }
}
