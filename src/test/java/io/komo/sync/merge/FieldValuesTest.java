package io.komo.sync.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FieldValuesTest {

    @Test
    void numbersCompareNumericallyAcrossTypes() {
        assertThat(FieldValues.same(5, 5L)).isTrue();
        assertThat(FieldValues.same(5L, 5.0)).isTrue();
        assertThat(FieldValues.same(new BigDecimal("5.00"), 5)).isTrue();
        assertThat(FieldValues.same(0.1f, 0.1)).as("compared as the decimals they print as").isTrue();
        assertThat(FieldValues.same(0.1, 0.10000001)).isFalse();
        assertThat(FieldValues.same(5, 6L)).isFalse();
        assertThat(FieldValues.same(Double.NaN, Double.NaN)).isFalse();
        assertThat(FieldValues.same(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY)).isTrue();
    }

    @Test
    void textNeverEqualsANumberAndComparesExactly() {
        assertThat(FieldValues.same("5", 5)).isFalse();
        assertThat(FieldValues.same("Ann", "ann")).isFalse();
        assertThat(FieldValues.same("Ann ", "Ann")).isFalse();
        assertThat(FieldValues.same("Ann", "Ann")).isTrue();
    }

    @Test
    void everyBlankIsTheSameValue() {
        assertThat(FieldValues.same(null, "")).isTrue();
        assertThat(FieldValues.same(" \t", List.of())).isTrue();
        assertThat(FieldValues.same(Map.of(), null)).isTrue();
        assertThat(FieldValues.same(null, 0)).as("zero is a value").isFalse();
        assertThat(FieldValues.same(null, false)).as("false is a value").isFalse();
    }

    @Test
    void listsCompareInOrderWithElementRules() {
        assertThat(FieldValues.same(List.of(1, "a"), List.of(1L, "a"))).isTrue();
        assertThat(FieldValues.same(List.of("a", "b"), List.of("b", "a"))).isFalse();
        assertThat(FieldValues.same(List.of("a"), List.of("a", "b"))).isFalse();
    }

    @Test
    void mapsCompareKeyByKeyIgnoringBlankEntries() {
        assertThat(FieldValues.same(Map.of("score", 3, "note", ""), Map.of("score", 3.0))).isTrue();
        assertThat(FieldValues.same(Map.of("score", 3), Map.of("score", 4))).isFalse();
        assertThat(FieldValues.same(Map.of("score", 3), Map.of("rank", 3))).isFalse();
    }
}
