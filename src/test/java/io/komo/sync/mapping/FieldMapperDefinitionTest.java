package io.komo.sync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.AbstractListAssert;
import org.assertj.core.api.ObjectAssert;
import org.junit.jupiter.api.Test;

import io.komo.sync.api.FieldError;
import io.komo.sync.mapping.TransformSpec.ArrayHandling;
import io.komo.sync.mapping.TransformSpec.DatePattern;
import io.komo.sync.mapping.TransformSpec.NamePart;
import io.komo.sync.mapping.TransformSpec.ValueType;

/** Every way a mapping list can be wrong, each reported at its exact path. */
class FieldMapperDefinitionTest {

    private static final FieldMapping EMAIL = FieldMapping.of("email", "email");

    private static TransformSpec transform() {
        return new TransformSpec(null, null, null, null, null, null, null, null, null);
    }

    private static TransformSpec valueMap(Map<String, Object> map) {
        return new TransformSpec(map, null, null, null, null, null, null, null, null);
    }

    private static TransformSpec date(String format, String zone) {
        return new TransformSpec(null, null, new DatePattern(format, zone), null, null, null, null, null, null);
    }

    private static TransformSpec calculate(String expression) {
        return new TransformSpec(null, null, null, null, null, null, expression, null, null);
    }

    private static TransformSpec concat(String... fields) {
        return new TransformSpec(null, null, null, Arrays.asList(fields), null, null, null, null, null);
    }

    private static AbstractListAssert<?, List<? extends FieldError>, FieldError, ObjectAssert<FieldError>> errorsOf(
            FieldMapping... mappings) {
        try {
            FieldMapper.build(new ArrayList<>(Arrays.asList(mappings)));
        } catch (MappingDefinitionException e) {
            return assertThat(e.errors());
        }
        throw new AssertionError("the mapping list was accepted");
    }

    @Test
    void anUnknownKomoFieldIsNamed() {
        errorsOf(EMAIL, FieldMapping.of("emial", "email2"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[1].komo");
                    assertThat(error.message()).startsWith("unknown Komo field 'emial'").contains("properties.<key>");
                });
    }

    @Test
    void aMalformedPropertyPathIsAnUnknownField() {
        errorsOf(FieldMapping.of("properties.", "x"), FieldMapping.of("properties.a.b", "y"))
                .extracting(FieldError::field).containsExactly("mapping[0].komo", "mapping[1].komo");
    }

    @Test
    void aMissingExternalFieldIsRequired() {
        errorsOf(FieldMapping.of("email", " ")).containsExactly(new FieldError("mapping[0].external", "is required"));
    }

    @Test
    void aMissingKomoFieldIsRequiredUnlessComputed() {
        errorsOf(new FieldMapping(null, "x", null, null, null))
                .extracting(FieldError::field).containsExactly("mapping[0].komo");
    }

    @Test
    void aBadDatePatternIsNamed() {
        errorsOf(new FieldMapping("lastActivityAt", "x", null, date("yyyy-MM-dd bb", "UTC"), null))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[0].transform.date.format");
                    assertThat(error.message()).startsWith("invalid date pattern 'yyyy-MM-dd bb'");
                });
    }

    @Test
    void aMissingDatePatternIsRequired() {
        errorsOf(new FieldMapping("lastActivityAt", "x", null, date(null, "UTC"), null))
                .containsExactly(new FieldError("mapping[0].transform.date.format", "is required"));
    }

    @Test
    void anUnknownZoneIsNamed() {
        errorsOf(EMAIL, EMAIL, new FieldMapping("lastActivityAt", "x", null, date("yyyy-MM-dd", "Mars/Olympus"), null))
                .extracting(FieldError::field)
                .containsExactly("mapping[1].external", "mapping[1].komo", "mapping[2].transform.date.zone");
    }

    @Test
    void aDateTransformOnATextFieldIsRejected() {
        errorsOf(new FieldMapping("email", "x", null, date("yyyy", "UTC"), null))
                .containsExactly(new FieldError("mapping[0].transform.date", "applies to date fields only"));
    }

    @Test
    void aNonInvertibleValueMapIsRejectedWhenValuesComeBack() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("GOLD", "Premium");
        map.put("PLATINUM", "Premium");

        errorsOf(new FieldMapping("tier", "tier", null, valueMap(map), null))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[0].transform.valueMap");
                    assertThat(error.message()).contains("GOLD and PLATINUM both map to 'Premium'");
                });
    }

    @Test
    void aNonInvertibleValueMapIsFineOutboundOnly() throws MappingDefinitionException {
        Map<String, Object> map = Map.of("GOLD", "Premium", "PLATINUM", "Premium");

        FieldMapper mapper = FieldMapper.build(List.of(
                new FieldMapping("tier", "tier", Direction.OUTBOUND, valueMap(map), null)));

        assertThat(mapper.toExternal(Map.of("tier", "PLATINUM")).record()).isEqualTo(Map.of("tier", "Premium"));
    }

    @Test
    void anEmptyValueMapIsRejected() {
        errorsOf(new FieldMapping("tier", "tier", null, valueMap(Map.of()), null))
                .containsExactly(new FieldError("mapping[0].transform.valueMap", "is empty"));
    }

    @Test
    void aValueMapEntryWithoutAValueIsNamed() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("GOLD", "Gold");
        map.put("SILVER", null);

        errorsOf(new FieldMapping("tier", "tier", null, valueMap(map), null))
                .containsExactly(new FieldError("mapping[0].transform.valueMap.SILVER", "has no value"));
    }

    @Test
    void anEmptyMultiselectSeparatorIsRejected() {
        TransformSpec multiselect = new TransformSpec(null, null, null, null, "", null, null, ValueType.MULTISELECT,
                null);

        errorsOf(new FieldMapping("lists", "l", null, multiselect, null))
                .extracting(FieldError::field).containsExactly("mapping[0].transform.separator");
    }

    @Test
    void aBadCalculateExpressionIsNamedWithItsPosition() {
        errorsOf(new FieldMapping(null, "score", null, calculate("points * * 2"), null))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[0].transform.calculate");
                    assertThat(error.message()).startsWith("invalid expression at line 1, column ");
                });
    }

    @Test
    void aCalculateTypeErrorIsNamed() {
        errorsOf(new FieldMapping(null, "score", null, calculate("points + firstName"), null))
                .singleElement()
                .satisfies(error -> assertThat(error.message()).contains("'_+_'").contains("(int, string)"));
    }

    @Test
    void anUnknownConcatFieldIsNamedByItsIndex() {
        errorsOf(new FieldMapping(null, "full_name", null, concat("firstName", "surname"), null))
                .extracting(FieldError::field).containsExactly("mapping[0].transform.concat[1]");
    }

    @Test
    void aDuplicateExternalTargetIsNamed() {
        errorsOf(EMAIL, FieldMapping.of("firstName", "firstname"), new FieldMapping(null, "email", null,
                concat("firstName"), null))
                .containsExactly(new FieldError("mapping[2].external", "'email' is already sent by mapping[0]"));
    }

    @Test
    void aDuplicateKomoTargetIsNamed() {
        errorsOf(FieldMapping.of("firstName", "firstname"), FieldMapping.of("firstName", "given_name"))
                .containsExactly(new FieldError("mapping[1].komo", "'firstName' is already written by mapping[0]"));
    }

    @Test
    void oneFieldMayFeedSeveralMappingsOneWayEach() throws MappingDefinitionException {
        FieldMapper.build(List.of(
                new FieldMapping("firstName", "FullName", null,
                        new TransformSpec(null, null, null, null, null, NamePart.FIRST, null, null, null), null),
                new FieldMapping("lastName", "FullName", null,
                        new TransformSpec(null, null, null, null, null, NamePart.LAST, null, null, null), null),
                new FieldMapping(null, "FullName", null, concat("firstName", "lastName"), null)));
    }

    @Test
    void twoTransformsInOneMappingAreRejected() {
        TransformSpec both = new TransformSpec(null, "E164", null, null, null, null, null, ValueType.TEXT, null);

        errorsOf(new FieldMapping("phone", "phone", null, both, null))
                .containsExactly(
                        new FieldError("mapping[0].transform", "use one transform per mapping, found phone and type"));
    }

    @Test
    void anEmptyTransformIsRejected() {
        errorsOf(new FieldMapping("phone", "phone", null, transform(), null))
                .extracting(FieldError::field).containsExactly("mapping[0].transform");
    }

    @Test
    void aSeparatorWithoutAJoiningTransformIsRejected() {
        TransformSpec checkbox = new TransformSpec(null, null, null, null, ",", null, null, ValueType.CHECKBOX, null);

        errorsOf(new FieldMapping("properties.vip", "vip", null, checkbox, null))
                .extracting(FieldError::field).containsExactly("mapping[0].transform.separator");
    }

    @Test
    void anUnknownPhoneFormatIsNamed() {
        TransformSpec phone = new TransformSpec(null, "E165", null, null, null, null, null, null, null);

        errorsOf(new FieldMapping("phone", "phone", null, phone, null))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[0].transform.phone");
                    assertThat(error.message()).contains("'E165'").contains("E164");
                });
    }

    @Test
    void arrayHandlingOnANonListFieldIsRejected() {
        TransformSpec first = new TransformSpec(null, null, null, null, null, null, null, null, ArrayHandling.FIRST);

        errorsOf(new FieldMapping("tier", "tier", null, first, null))
                .containsExactly(new FieldError("mapping[0].transform.array", "applies to list fields only"));
    }

    @Test
    void splitNameCannotBeSent() {
        TransformSpec split = new TransformSpec(null, null, null, null, null, NamePart.LAST, null, null, null);

        errorsOf(new FieldMapping("lastName", "FullName", Direction.OUTBOUND, split, null))
                .extracting(FieldError::field).containsExactly("mapping[0].direction");
    }

    @Test
    void aComputedValueWithoutKomoCannotComeBack() {
        errorsOf(new FieldMapping(null, "score", Direction.BOTH, calculate("points * 2"), null))
                .extracting(FieldError::field).containsExactly("mapping[0].direction");
    }

    @Test
    void aDefaultOfTheWrongTypeIsRejected() {
        errorsOf(new FieldMapping("points", "points", null, null, "lots"))
                .singleElement()
                .satisfies(error -> {
                    assertThat(error.field()).isEqualTo("mapping[0].default");
                    assertThat(error.message()).contains("'lots' is not a number");
                });
    }

    @Test
    void aDefaultMissingFromTheValueMapIsRejected() {
        errorsOf(new FieldMapping("tier", "tier", null, valueMap(Map.of("GOLD", "Gold")), "BRONZE"))
                .containsExactly(
                        new FieldError("mapping[0].default", "unusable default: 'BRONZE' has no entry in valueMap"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        errorsOf(FieldMapping.of("emial", "email"), null, new FieldMapping("lastActivityAt", "x", null,
                date("yyyy", "Nowhere/Land"), null))
                .extracting(FieldError::field)
                .containsExactly("mapping[0].komo", "mapping[1]", "mapping[2].transform.date.zone");
    }

    @Test
    void theExceptionMessageListsEveryError() {
        assertThatThrownBy(() -> FieldMapper.build(List.of(FieldMapping.of("emial", "email"))))
                .hasMessageStartingWith("mapping[0].komo: unknown Komo field 'emial'");
    }
}
