package io.komo.sync.mapping;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code transform:} of a field mapping. Exactly one of the transforms may be set; {@code separator}
 * goes with {@code concat}, {@code type: multiselect} or {@code array: join}.
 *
 * @param valueMap  Komo value to platform value; reversed for inbound values
 * @param phone     the outbound phone format: E164, INTERNATIONAL, NATIONAL or RFC3966 (inbound is always E.164)
 * @param date      a date pattern and time zone
 * @param concat    Komo fields joined into one platform value (outbound)
 * @param separator for concat (default one space), multiselect and array join (default {@code ;})
 * @param splitName which part of a platform full name goes to the Komo field (inbound)
 * @param calculate a CEL expression over the contact (outbound)
 * @param type      the platform field's type
 * @param array     how a list-valued Komo field is sent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransformSpec(
        Map<String, Object> valueMap,
        String phone,
        DatePattern date,
        List<String> concat,
        String separator,
        NamePart splitName,
        String calculate,
        ValueType type,
        ArrayHandling array) {

    /** A platform date format: a {@link java.time.format.DateTimeFormatter} pattern read in a time zone. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DatePattern(String format, String zone) {
    }

    public enum NamePart {
        @JsonProperty("first")
        FIRST, @JsonProperty("last")
        LAST
    }

    /** The spec's type conversions: String→Text, Number→Numeric, Date→DateTime, Boolean→Checkbox, Array→Multi-select. */
    public enum ValueType {
        @JsonProperty("text")
        TEXT, @JsonProperty("numeric")
        NUMERIC, @JsonProperty("datetime")
        DATETIME, @JsonProperty("checkbox")
        CHECKBOX, @JsonProperty("multiselect")
        MULTISELECT
    }

    public enum ArrayHandling {
        /** One text value, elements joined with the separator. */
        @JsonProperty("join")
        JOIN,
        /** The first element only. */
        @JsonProperty("first")
        FIRST,
        /** The list as a list (a JSON array). */
        @JsonProperty("all")
        ALL
    }
}
