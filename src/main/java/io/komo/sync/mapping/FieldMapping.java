package io.komo.sync.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of an integration's {@code mapping:} list, as written in the integration YAML or JSON.
 * Checked when a {@link FieldMapper} is built, not here, so that every problem is reported at once.
 *
 * @param komo         a Komo field ({@code email}) or custom property ({@code properties.vip}); may be absent
 *                     when the transform computes the value ({@code concat}, {@code calculate})
 * @param external     the platform's field name
 * @param direction    null means {@code both} (or the only way the transform works)
 * @param transform    null means the conversion the Komo field's type implies
 * @param defaultValue a Komo value used when the source value is absent or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldMapping(
        String komo,
        String external,
        Direction direction,
        TransformSpec transform,
        @JsonProperty("default") Object defaultValue) {

    public static FieldMapping of(String komo, String external) {
        return new FieldMapping(komo, external, null, null, null);
    }
}
