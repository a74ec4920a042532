package io.komo.sync.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConflictRuleTest {

    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest
    @CsvSource({
            "two-way, TWO_WAY", "prefer-komo, PREFER_KOMO", "prefer-external, PREFER_EXTERNAL",
            "prefer-komo-unless-blank, PREFER_KOMO_UNLESS_BLANK",
            "prefer-external-unless-blank, PREFER_EXTERNAL_UNLESS_BLANK",
            "komo-only, KOMO_ONLY", "external-only, EXTERNAL_ONLY", "manual, MANUAL", "ignore, IGNORE"})
    void readsAndWritesTheHyphenatedName(String wireName, ConflictRule rule) throws Exception {
        assertThat(json.readValue("\"" + wireName + "\"", ConflictRule.class)).isEqualTo(rule);
        assertThat(json.writeValueAsString(rule)).isEqualTo("\"" + wireName + "\"");
    }

    @Test
    void unknownNameIsRejectedNamingTheAllowedOnes() {
        assertThatThrownBy(() -> ConflictRule.fromWireName("newest-wins"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown conflict rule 'newest-wins'; allowed: two-way, prefer-komo, prefer-external, "
                        + "prefer-komo-unless-blank, prefer-external-unless-blank, komo-only, external-only, manual, "
                        + "ignore");
        assertThatThrownBy(() -> json.readValue("\"PREFER_KOMO\"", ConflictRule.class))
                .isInstanceOf(ValueInstantiationException.class)
                .hasMessageContaining("unknown conflict rule 'PREFER_KOMO'");
    }

    @Test
    void policyReadsTheDefinitionsConflictsSection() throws Exception {
        record Definition(ConflictRule defaultRule, Map<String, ConflictRule> fields, Side sourceOfTruth) {
        }
        Definition definition = json.readValue("""
                {"defaultRule": "two-way", "fields": {"email": "manual"}, "sourceOfTruth": "external"}""",
                Definition.class);
        ConflictPolicy policy = new ConflictPolicy(definition.defaultRule(), definition.fields(),
                definition.sourceOfTruth());

        assertThat(policy.ruleFor("email")).isEqualTo(ConflictRule.MANUAL);
        assertThat(policy.ruleFor("phone")).isEqualTo(ConflictRule.TWO_WAY);
        assertThat(policy.sourceOfTruth()).isEqualTo(Side.EXTERNAL);
    }

    @Test
    void unknownSourceOfTruthIsRejected() {
        assertThatThrownBy(() -> Side.fromWireName("crm"))
                .hasMessage("unknown side 'crm'; allowed: komo, external");
    }
}
