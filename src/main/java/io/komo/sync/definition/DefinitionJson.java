package io.komo.sync.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON form of a definition, independent of how the REST layer formats JSON: read strictly
 * (an unknown key is an error, whatever Quarkus' mapper is configured to do) and written without nulls.
 */
public final class DefinitionJson {

    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private DefinitionJson() {
    }

    public static String write(IntegrationDefinition definition) {
        try {
            return STRICT.writeValueAsString(definition);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A checked definition could not be written as JSON", e);
        }
    }

    /** A stored definition; it was checked before it was stored, so a failure here is a bug or a bad migration. */
    public static IntegrationDefinition read(String json) {
        try {
            return STRICT.readValue(json, IntegrationDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored integration definition cannot be read: " + e.getOriginalMessage(),
                    e);
        }
    }
}
