package io.komo.sync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.komo.sync.mapping.TransformSpec.ArrayHandling;
import io.komo.sync.mapping.TransformSpec.DatePattern;
import io.komo.sync.mapping.TransformSpec.NamePart;
import io.komo.sync.mapping.TransformSpec.ValueType;

class FieldMapperTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant LAST_ACTIVE = Instant.parse("2025-05-20T14:30:00Z");

    private static FieldMapper mapper(FieldMapping... mappings) throws MappingDefinitionException {
        return FieldMapper.build(List.of(mappings), "US", CLOCK);
    }

    private static FieldMapping mapping(String komo, String external, TransformSpec transform) {
        return new FieldMapping(komo, external, null, transform, null);
    }

    private static TransformSpec type(ValueType type) {
        return new TransformSpec(null, null, null, null, null, null, null, type, null);
    }

    private static TransformSpec array(ArrayHandling array, String separator) {
        return new TransformSpec(null, null, null, null, separator, null, null, null, array);
    }

    private static TransformSpec phone(String format) {
        return new TransformSpec(null, format, null, null, null, null, null, null, null);
    }

    private static Map<String, Object> ana() {
        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("email", "ana@example.com");
        contact.put("firstName", "Ana");
        contact.put("lastName", "de la Cruz");
        contact.put("phone", "+16502530000");
        contact.put("tier", "GOLD");
        contact.put("points", 45L);
        contact.put("lists", List.of("newsletter", "events"));
        contact.put("lastActivityAt", LAST_ACTIVE);
        contact.put("properties", Map.of("vip", true));
        return contact;
    }

    @Test
    void theDocumentedExamplesMapAContactOut() throws Exception {
        FieldMapper mapper = FieldMapper.build(FieldMappingReaderTest.documentedExamples(), "US", CLOCK);

        MappingResult result = mapper.toExternal(ana());

        assertThat(result.errors()).isEmpty();
        assertThat(result.record()).containsExactly(
                entry("email", "ana@example.com"),
                entry("komo_tier", "Gold"),
                entry("phone", "+16502530000"),
                entry("last_active", "2025-05-20 10:30"),
                entry("full_name", "Ana de la Cruz"),
                entry("score", 100L),
                entry("interests", "newsletter;events"),
                entry("VIP__c", true),
                entry("points", 45L),
                entry("first_list", "newsletter"));
    }

    @Test
    void theDocumentedExamplesMapAPlatformRecordIn() throws Exception {
        FieldMapper mapper = FieldMapper.build(FieldMappingReaderTest.documentedExamples(), "US", CLOCK);
        Map<String, Object> hubspot = new HashMap<>();
        hubspot.put("email", "bo@example.com");
        hubspot.put("komo_tier", "Platinum");
        hubspot.put("phone", "(650) 253-0000");
        hubspot.put("last_active", "2025-01-15 09:05");
        hubspot.put("full_name", "ignored: computed fields are only sent");
        hubspot.put("FullName", "Bo Lindqvist");
        hubspot.put("score", 99);
        hubspot.put("interests", "news; events;;");
        hubspot.put("VIP__c", "yes");
        hubspot.put("points", 12);
        hubspot.put("status", null);

        MappingResult result = mapper.toKomo(hubspot);

        assertThat(result.errors()).isEmpty();
        assertThat(result.record()).containsOnly(
                entry("email", "bo@example.com"),
                entry("tier", "PLATINUM"),
                entry("phone", "+16502530000"),
                entry("lastActivityAt", Instant.parse("2025-01-15T14:05:00Z")),
                entry("firstName", "Bo"),
                entry("lists", List.of("news", "events")),
                entry("properties", Map.of("vip", true)),
                entry("subscriptionStatus", "pending"));
    }

    @Test
    void invertibleMappingsRoundTrip() throws Exception {
        FieldMapper mapper = FieldMapper.build(FieldMappingReaderTest.documentedExamples().subList(0, 4), "US", CLOCK);
        FieldMapper more = mapper(
                mapping("lists", "interests", type(ValueType.MULTISELECT)),
                mapping("properties.vip", "VIP__c", type(ValueType.CHECKBOX)),
                FieldMapping.of("points", "points"),
                FieldMapping.of("createdAt", "created"),
                mapping("properties.tags", "tags", array(ArrayHandling.ALL, null)));
        Map<String, Object> contact = ana();
        contact.put("createdAt", Instant.parse("2024-02-29T23:59:59.123Z"));
        contact.put("properties", Map.of("vip", false, "tags", List.of("a", "b")));
        contact.remove("firstName");
        contact.remove("lastName");

        Map<String, Object> back = new HashMap<>(mapper.toKomo(mapper.toExternal(contact).record()).record());
        back.putAll(more.toKomo(more.toExternal(contact).record()).record());

        assertThat(back).isEqualTo(contact);
    }

    @Test
    void valueMapReversesInbound() throws Exception {
        FieldMapper mapper = mapper(mapping("tier", "tier",
                new TransformSpec(Map.of("GOLD", 1, "SILVER", 2), null, null, null, null, null, null, null, null)));

        assertThat(mapper.toExternal(Map.of("tier", "SILVER")).record()).containsExactly(entry("tier", 2));
        assertThat(mapper.toKomo(Map.of("tier", 1)).record()).containsExactly(entry("tier", "GOLD"));
        assertThat(mapper.toKomo(Map.of("tier", "1")).record()).containsExactly(entry("tier", "GOLD"));
    }

    @Test
    void unmappedValuesAreErrorsNotGuesses() throws Exception {
        FieldMapper mapper = mapper(FieldMapping.of("email", "email"), mapping("tier", "tier",
                new TransformSpec(Map.of("GOLD", "Gold"), null, null, null, null, null, null, null, null)));

        MappingResult out = mapper.toExternal(Map.of("email", "a@b.c", "tier", "BRONZE"));
        MappingResult in = mapper.toKomo(Map.of("email", "a@b.c", "tier", "Diamond"));

        assertThat(out.record()).containsExactly(entry("email", "a@b.c"));
        assertThat(out.errors()).containsExactly(new MappingError("tier", "'BRONZE' has no entry in valueMap"));
        assertThat(in.record()).containsExactly(entry("email", "a@b.c"));
        assertThat(in.errors()).containsExactly(new MappingError("tier", "'Diamond' is not a value of valueMap"));
    }

    @Test
    void phonesAreSentInTheChosenFormatAndStoredAsE164() throws Exception {
        assertThat(mapper(mapping("phone", "phone", phone("E164"))).toExternal(Map.of("phone", "650 253 0000"))
                .record()).containsExactly(entry("phone", "+16502530000"));
        assertThat(mapper(mapping("phone", "phone", phone("international"))).toExternal(Map.of("phone",
                "+442079460958")).record()).containsExactly(entry("phone", "+44 20 7946 0958"));
        assertThat(mapper(mapping("phone", "phone", phone("NATIONAL"))).toKomo(Map.of("phone", "+44 20 7946 0958"))
                .record()).containsExactly(entry("phone", "+442079460958"));
    }

    @Test
    void phonesWithoutACountryCodeNeedADefaultRegion() throws Exception {
        FieldMapper international = FieldMapper.build(List.of(mapping("phone", "phone", phone("E164"))));

        MappingResult result = international.toKomo(Map.of("phone", "650 253 0000"));

        assertThat(result.record()).isEmpty();
        assertThat(result.errors()).containsExactly(
                new MappingError("phone", "'650 253 0000' is not a phone number with a country code"));
    }

    @Test
    void anUnparseablePhoneIsAnError() throws Exception {
        MappingResult result = mapper(mapping("phone", "phone", phone("E164"))).toExternal(Map.of("phone", "call me"));

        assertThat(result.errors()).containsExactly(new MappingError("phone", "'call me' is not a phone number in US"));
    }

    @Test
    void datePatternsUseTheirZoneAndADateAloneIsMidnight() throws Exception {
        FieldMapper paris = mapper(mapping("lastActivityAt", "day",
                new TransformSpec(null, null, new DatePattern("dd/MM/yyyy", "Europe/Paris"), null, null, null, null,
                        null, null)));

        assertThat(paris.toExternal(Map.of("lastActivityAt", Instant.parse("2025-03-01T23:30:00Z"))).record())
                .containsExactly(entry("day", "02/03/2025"));
        assertThat(paris.toKomo(Map.of("day", "02/03/2025")).record())
                .containsExactly(entry("lastActivityAt", Instant.parse("2025-03-01T23:00:00Z")));
    }

    @Test
    void aDateThatDoesNotMatchItsPatternIsAnError() throws Exception {
        FieldMapper mapper = mapper(mapping("lastActivityAt", "day",
                new TransformSpec(null, null, new DatePattern("dd/MM/yyyy", null), null, null, null, null, null,
                        null)));

        assertThat(mapper.toKomo(Map.of("day", "2025-03-02")).errors())
                .containsExactly(new MappingError("lastActivityAt", "'2025-03-02' does not match the date format"));
    }

    @Test
    void dateTimesAreIsoOutAndIsoOrEpochMillisIn() throws Exception {
        FieldMapper mapper = mapper(FieldMapping.of("lastActivityAt", "last"), mapping("createdAt", "created",
                type(ValueType.DATETIME)), FieldMapping.of("updatedAt", "updated"));

        assertThat(mapper.toExternal(Map.of("lastActivityAt", LAST_ACTIVE)).record())
                .containsExactly(entry("last", "2025-05-20T14:30:00Z"));
        assertThat(mapper.toKomo(Map.of("last", "2025-05-20T16:30:00+02:00", "created", 1716215400000L,
                "updated", "1716215400000")).record()).containsOnly(
                        entry("lastActivityAt", LAST_ACTIVE),
                        entry("createdAt", Instant.ofEpochMilli(1716215400000L)),
                        entry("updatedAt", Instant.ofEpochMilli(1716215400000L)));
    }

    @Test
    void aDateTimeWithoutAZoneIsAnError() throws Exception {
        MappingResult result = mapper(FieldMapping.of("lastActivityAt", "last")).toKomo(Map.of("last",
                "2025-05-20T14:30:00"));

        assertThat(result.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("lastActivityAt");
            assertThat(error.message()).startsWith("'2025-05-20T14:30:00' is not an ISO-8601 date-time with a zone");
        });
    }

    @Test
    void checkboxesAcceptTheUsualSpellings() throws Exception {
        FieldMapper mapper = mapper(mapping("properties.vip", "vip", type(ValueType.CHECKBOX)));

        for (Object yes : List.of("true", "Yes", "1", 1, true)) {
            assertThat(mapper.toKomo(Map.of("vip", yes)).record()).isEqualTo(Map.of("properties", Map.of("vip", true)));
        }
        for (Object no : List.of("FALSE", "no", "0", 0L, false)) {
            assertThat(mapper.toKomo(Map.of("vip", no)).record()).isEqualTo(Map.of("properties", Map.of("vip", false)));
        }
        assertThat(mapper.toKomo(Map.of("vip", "maybe")).errors())
                .containsExactly(new MappingError("properties.vip", "'maybe' is not true/false, yes/no or 1/0"));
    }

    @Test
    void numbersAreReadFromTextAndPointsMustBeWhole() throws Exception {
        FieldMapper mapper = mapper(FieldMapping.of("points", "points"),
                mapping("properties.score", "score", type(ValueType.NUMERIC)));

        assertThat(mapper.toKomo(Map.of("points", "120", "score", "2.50")).record())
                .containsOnly(entry("points", 120L), entry("properties", Map.of("score", 2.5)));
        assertThat(mapper.toKomo(Map.of("points", "12.5")).errors())
                .containsExactly(new MappingError("points", "12.5 is not a whole number"));
        assertThat(mapper.toExternal(Map.of("points", 7)).record()).containsExactly(entry("points", 7L));
    }

    @Test
    void oneUnconvertibleValueDoesNotLoseTheOthers() throws Exception {
        FieldMapper mapper = mapper(FieldMapping.of("email", "email"), FieldMapping.of("points", "points"),
                FieldMapping.of("lastActivityAt", "last"), mapping("properties.vip", "vip", type(ValueType.CHECKBOX)));

        MappingResult result = mapper.toKomo(Map.of("email", "x@y.z", "points", "lots", "last", "yesterday",
                "vip", "perhaps"));

        assertThat(result.record()).containsExactly(entry("email", "x@y.z"));
        assertThat(result.errors()).extracting(MappingError::field)
                .containsExactly("points", "lastActivityAt", "properties.vip");
        assertThat(result.errors().get(0).message()).isEqualTo("'lots' is not a number");
    }

    @Test
    void textTypeSendsAnyValueAsText() throws Exception {
        FieldMapper mapper = mapper(mapping("points", "points_text", type(ValueType.TEXT)));

        assertThat(mapper.toExternal(Map.of("points", 45L)).record()).containsExactly(entry("points_text", "45"));
        assertThat(mapper.toKomo(Map.of("points_text", "45")).record()).containsExactly(entry("points", 45L));
    }

    @Test
    void listsAreSentAsArraysByDefaultOrJoinedOrTheirFirstElement() throws Exception {
        Map<String, Object> contact = Map.of("lists", List.of("a", "b"));

        assertThat(mapper(FieldMapping.of("lists", "l")).toExternal(contact).record())
                .containsExactly(entry("l", List.of("a", "b")));
        assertThat(mapper(mapping("lists", "l", array(ArrayHandling.JOIN, ", "))).toExternal(contact).record())
                .containsExactly(entry("l", "a, b"));
        assertThat(mapper(mapping("lists", "l", array(ArrayHandling.FIRST, null))).toExternal(contact).record())
                .containsExactly(entry("l", "a"));
        assertThat(mapper(mapping("lists", "l", array(ArrayHandling.FIRST, null))).toKomo(Map.of("l", "a")).record())
                .containsExactly(entry("lists", List.of("a")));
    }

    @Test
    void aListElementContainingTheSeparatorIsAnErrorRatherThanTwoElements() throws Exception {
        MappingResult result = mapper(mapping("lists", "l", type(ValueType.MULTISELECT)))
                .toExternal(Map.of("lists", List.of("a;b")));

        assertThat(result.errors())
                .containsExactly(new MappingError("l", "list element 'a;b' contains the separator ';'"));
    }

    @Test
    void concatSkipsBlankAndMissingParts() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping(null, "full", null, new TransformSpec(null, null, null,
                List.of("firstName", "properties.middle", "lastName"), null, null, null, null, null), null));

        assertThat(mapper.toExternal(Map.of("firstName", "Ana", "lastName", " ")).record())
                .containsExactly(entry("full", "Ana"));
        assertThat(mapper.toExternal(Map.of("firstName", "Ana", "properties", Map.of("middle", "M"), "lastName",
                "Cruz")).record()).containsExactly(entry("full", "Ana M Cruz"));
        assertThat(mapper.toExternal(Map.of("email", "x@y.z")).record()).isEmpty();
    }

    @Test
    void concatMayJoinWithoutASeparator() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping(null, "code", null, new TransformSpec(null, null, null,
                List.of("tier", "points"), "", null, null, null, null), null));

        assertThat(mapper.toExternal(Map.of("tier", "GOLD", "points", 7L)).record())
                .containsExactly(entry("code", "GOLD7"));
    }

    @Test
    void splitNameTakesTheFirstWordOrTheRest() throws Exception {
        FieldMapper mapper = mapper(
                mapping("firstName", "FullName", new TransformSpec(null, null, null, null, null, NamePart.FIRST, null,
                        null, null)),
                mapping("lastName", "FullName", new TransformSpec(null, null, null, null, null, NamePart.LAST, null,
                        null, null)));

        assertThat(mapper.toKomo(Map.of("FullName", "  Ludwig van Beethoven ")).record())
                .containsOnly(entry("firstName", "Ludwig"), entry("lastName", "van Beethoven"));
        Map<String, Object> oneWord = new HashMap<>();
        oneWord.put("firstName", "Cher");
        oneWord.put("lastName", null);
        assertThat(mapper.toKomo(Map.of("FullName", "Cher")).record()).isEqualTo(oneWord);
        assertThat(mapper.toExternal(Map.of("firstName", "Cher")).record()).isEmpty();
    }

    @Test
    void calculateMixesWholeAndDecimalNumbers() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping(null, "value", null, new TransformSpec(null, null, null, null,
                null, null, "points * 1.5", null, null), null));

        assertThat(mapper.toExternal(Map.of("points", 3)).record()).containsExactly(entry("value", 4.5));
    }

    @Test
    void calculateWithAMissingInputSendsNothingAndAFailureIsAnError() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping(null, "ratio", null, new TransformSpec(null, null, null, null,
                null, null, "100 / points", null, null), null));

        assertThat(mapper.toExternal(Map.of()).record()).isEmpty();
        assertThat(mapper.toExternal(Map.of("points", 0L)).errors()).singleElement()
                .satisfies(error -> assertThat(error.field()).isEqualTo("ratio"));
    }

    @Test
    void aComputedValueWithAKomoFieldIsStoredAsIsInbound() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping("properties.fullName", "full", null, new TransformSpec(null,
                null, null, List.of("firstName", "lastName"), "-", null, null, null, null), null));

        assertThat(mapper.toExternal(Map.of("firstName", "A", "lastName", "B")).record())
                .containsExactly(entry("full", "A-B"));
        assertThat(mapper.toKomo(Map.of("full", "A-B")).record())
                .isEqualTo(Map.of("properties", Map.of("fullName", "A-B")));
    }

    @Test
    void defaultsFillNullAndBlankButNotAbsentValues() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping("tier", "tier", null, null, "BRONZE"));
        Map<String, Object> nullTier = new HashMap<>();
        nullTier.put("tier", null);

        assertThat(mapper.toExternal(nullTier).record()).containsExactly(entry("tier", "BRONZE"));
        assertThat(mapper.toExternal(Map.of("tier", "")).record()).containsExactly(entry("tier", "BRONZE"));
        assertThat(mapper.toKomo(nullTier).record()).containsExactly(entry("tier", "BRONZE"));
        assertThat(mapper.toExternal(Map.of("email", "x@y.z")).record()).isEmpty();
        assertThat(mapper.toKomo(Map.of()).record()).isEmpty();
    }

    @Test
    void nullWithoutADefaultClearsTheOtherSide() throws Exception {
        FieldMapper mapper = mapper(FieldMapping.of("phone", "phone"));
        Map<String, Object> cleared = new HashMap<>();
        cleared.put("phone", null);

        assertThat(mapper.toExternal(cleared).record()).isEqualTo(cleared);
        assertThat(mapper.toKomo(cleared).record()).isEqualTo(cleared);
    }

    @Test
    void directionIsHonoured() throws Exception {
        FieldMapper mapper = mapper(new FieldMapping("email", "email", Direction.OUTBOUND, null, null),
                new FieldMapping("tier", "tier", Direction.INBOUND, null, null));

        assertThat(mapper.toExternal(Map.of("email", "x@y.z", "tier", "GOLD")).record())
                .containsExactly(entry("email", "x@y.z"));
        assertThat(mapper.toKomo(Map.of("email", "x@y.z", "tier", "GOLD")).record())
                .containsExactly(entry("tier", "GOLD"));
    }

    @Test
    void textFieldsRefuseStructuredValues() throws Exception {
        MappingResult result = mapper(FieldMapping.of("firstName", "first")).toKomo(Map.of("first", Map.of("a", 1)));

        assertThat(result.errors()).containsExactly(new MappingError("firstName", "{a=1} is not text"));
    }
}
