package io.komo.sync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import io.komo.sync.mapping.TransformSpec.ArrayHandling;
import io.komo.sync.mapping.TransformSpec.NamePart;
import io.komo.sync.mapping.TransformSpec.ValueType;

class FieldMappingReaderTest {

    /** Lenient like Quarkus's mapper, to show the reader is strict on its own. */
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    static final String DOCUMENTED_EXAMPLES = """
            - { komo: email, external: email }
            - { komo: tier, external: komo_tier, transform: { valueMap: { GOLD: Gold, PLATINUM: Platinum } } }
            - { komo: phone, external: phone, transform: { phone: E164 } }
            - { komo: lastActivityAt, external: last_active, transform: { date: { format: "yyyy-MM-dd HH:mm", zone: "America/New_York" } } }
            - { external: full_name, transform: { concat: [firstName, lastName], separator: " " } }
            - { komo: firstName, external: FullName, transform: { splitName: first } }
            - { external: score, transform: { calculate: "points * 2 + 10" } }
            - { komo: lists, external: interests, transform: { type: multiselect, separator: ";" } }
            - { komo: properties.vip, external: VIP__c, transform: { type: checkbox } }
            - { komo: points, external: points, direction: outbound, default: 0 }
            - { komo: subscriptionStatus, external: status, direction: inbound, default: pending }
            - { komo: lists, external: first_list, direction: outbound, transform: { array: first } }
            """;

    static List<FieldMapping> documentedExamples() throws Exception {
        return FieldMappingReader.read(YAML, YAML.readTree(DOCUMENTED_EXAMPLES));
    }

    @Test
    void everyDocumentedFormParses() throws Exception {
        List<FieldMapping> mappings = documentedExamples();

        assertThat(mappings).hasSize(12);
        assertThat(mappings.get(0)).isEqualTo(FieldMapping.of("email", "email"));
        assertThat(mappings.get(1).transform().valueMap()).isEqualTo(Map.of("GOLD", "Gold", "PLATINUM", "Platinum"));
        assertThat(mappings.get(2).transform().phone()).isEqualTo("E164");
        assertThat(mappings.get(3).transform().date())
                .isEqualTo(new TransformSpec.DatePattern("yyyy-MM-dd HH:mm", "America/New_York"));
        assertThat(mappings.get(4).komo()).isNull();
        assertThat(mappings.get(4).transform().concat()).containsExactly("firstName", "lastName");
        assertThat(mappings.get(4).transform().separator()).isEqualTo(" ");
        assertThat(mappings.get(5).transform().splitName()).isEqualTo(NamePart.FIRST);
        assertThat(mappings.get(6).transform().calculate()).isEqualTo("points * 2 + 10");
        assertThat(mappings.get(7).transform().type()).isEqualTo(ValueType.MULTISELECT);
        assertThat(mappings.get(8).transform().type()).isEqualTo(ValueType.CHECKBOX);
        assertThat(mappings.get(9).direction()).isEqualTo(Direction.OUTBOUND);
        assertThat(mappings.get(9).defaultValue()).isEqualTo(0);
        assertThat(mappings.get(10).defaultValue()).isEqualTo("pending");
        assertThat(mappings.get(11).transform().array()).isEqualTo(ArrayHandling.FIRST);
    }

    @Test
    void theDefaultKeyParsesAsTheDefaultValue() throws Exception {
        List<FieldMapping> mappings = FieldMappingReader.read(YAML,
                YAML.readTree("- { komo: tier, external: tier, default: BRONZE }"));

        assertThat(mappings.get(0).defaultValue()).isEqualTo("BRONZE");
    }

    @Test
    void aTypoInAKeyIsRejectedWithItsPath() {
        assertThatThrownBy(() -> FieldMappingReader.read(YAML, YAML.readTree("""
                - { komo: email, external: email }
                - { komo: tier, extrenal: tier }
                """)))
                .isInstanceOfSatisfying(MappingDefinitionException.class, e -> {
                    assertThat(e.errors()).hasSize(1);
                    assertThat(e.errors().get(0).field()).isEqualTo("mapping[1].extrenal");
                    assertThat(e.errors().get(0).message()).contains("Unrecognized field \"extrenal\"");
                });
    }

    @Test
    void aTypoInsideATransformIsRejectedWithItsPath() {
        assertThatThrownBy(() -> FieldMappingReader.read(YAML, YAML.readTree(
                "- { komo: lastActivityAt, external: x, transform: { date: { format: yyyy, zome: UTC } } }")))
                .isInstanceOfSatisfying(MappingDefinitionException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("mapping[0].transform.date.zome"));
    }

    @Test
    void anUnknownTransformIsRejected() {
        assertThatThrownBy(() -> FieldMappingReader.read(YAML, YAML.readTree(
                "- { komo: email, external: email, transform: { lowercase: true } }")))
                .isInstanceOfSatisfying(MappingDefinitionException.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("mapping[0].transform.lowercase"));
    }

    @Test
    void anUnknownDirectionIsRejectedWithItsPath() {
        assertThatThrownBy(() -> FieldMappingReader.read(YAML, YAML.readTree(
                "- { komo: email, external: email, direction: sideways }")))
                .isInstanceOfSatisfying(MappingDefinitionException.class, e -> {
                    assertThat(e.errors().get(0).field()).isEqualTo("mapping[0].direction");
                    assertThat(e.errors().get(0).message()).contains("sideways");
                });
    }
}
