package io.komo.sync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ContactExpressionTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private static Object evaluate(String expression, Map<String, ?> record) throws Exception {
        return ContactExpression.compile(expression).evaluate(record, NOW).orElseThrow();
    }

    @Test
    void wholeNumberArithmeticStaysWhole() throws Exception {
        assertThat(evaluate("points * 2 + 10", Map.of("points", 45L))).isEqualTo(100L);
    }

    @Test
    void wholeAndDecimalNumbersMix() throws Exception {
        assertThat(evaluate("points * 1.5", Map.of("points", 10L))).isEqualTo(15.0);
        assertThat(evaluate("2.5 + points", Map.of("points", 1L))).isEqualTo(3.5);
        assertThat(evaluate("points - 0.5", Map.of("points", 1L))).isEqualTo(0.5);
        assertThat(evaluate("points / 4.0", Map.of("points", 10L))).isEqualTo(2.5);
    }

    @Test
    void integerValuesFromJacksonAreAccepted() throws Exception {
        assertThat(evaluate("points + properties.bonus", Map.of("points", 3, "properties", Map.of("bonus", 4))))
                .isEqualTo(7L);
    }

    @Test
    void aMissingValueGivesEmpty() throws Exception {
        assertThat(ContactExpression.compile("points * 2").evaluate(Map.of(), NOW)).isEmpty();
        assertThat(ContactExpression.compile("properties.bonus * 2").evaluate(Map.of("properties", Map.of()), NOW))
                .isEmpty();
    }

    @Test
    void aDivisionByZeroIsAnEvaluationError() {
        assertThatThrownBy(() -> ContactExpression.compile("points / 0").evaluate(Map.of("points", 1L), NOW))
                .isInstanceOf(ExpressionEvaluationException.class)
                .hasMessageContaining("points / 0");
    }

    @Test
    void nowIsTheGivenInstant() throws Exception {
        assertThat(evaluate("now - days(1)", Map.of())).isEqualTo(Instant.parse("2025-05-31T12:00:00Z"));
    }
}
