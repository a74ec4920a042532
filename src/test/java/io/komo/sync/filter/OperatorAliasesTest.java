package io.komo.sync.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperatorAliasesTest {

    @Test
    void wordOperatorsBecomeCelOperatorsOfTheSameLength() {
        String rewritten = OperatorAliases.rewrite("tier == 'GOLD' and not x or y");

        assertThat(rewritten).isEqualTo("tier == 'GOLD' &&  !   x || y");
    }

    @Test
    void wordsInsideStringLiteralsAreKept() {
        assertThat(OperatorAliases.rewrite("firstName == 'and' or lastName == \"not or\""))
                .isEqualTo("firstName == 'and' || lastName == \"not or\"");
    }

    @Test
    void escapedQuotesDoNotEndALiteral() {
        assertThat(OperatorAliases.rewrite("lastName == 'O\\'Brien and co' and x"))
                .isEqualTo("lastName == 'O\\'Brien and co' &&  x");
    }

    @Test
    void tripleQuotedAndRawLiteralsAreKept() {
        assertThat(OperatorAliases.rewrite("x == '''it's and''' or y == r'\\' and z"))
                .isEqualTo("x == '''it's and''' || y == r'\\' &&  z");
    }

    @Test
    void identifiersContainingTheWordsAndMemberNamesAreKept() {
        assertThat(OperatorAliases.rewrite("properties.notes == brand or properties.and"))
                .isEqualTo("properties.notes == brand || properties.and");
    }
}
