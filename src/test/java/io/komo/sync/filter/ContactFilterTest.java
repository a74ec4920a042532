package io.komo.sync.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ContactFilterTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Map<String, Object> goldNewsletterContact() {
        Map<String, Object> contact = new HashMap<>();
        contact.put("email", "ana@example.com");
        contact.put("firstName", "Ana");
        contact.put("tier", "GOLD");
        contact.put("points", 1200L);
        contact.put("lists", List.of("newsletter", "vip-events"));
        contact.put("subscriptionStatus", "subscribed");
        contact.put("lastActivityAt", NOW.minusSeconds(3 * 24 * 3600));
        contact.put("properties", Map.of("vip", true, "region", "EU", "visits", 7));
        return contact;
    }

    private static boolean matches(String expression, Map<String, ?> contact) throws FilterException {
        return ContactFilter.compile(expression, CLOCK).matches(contact);
    }

    @Test
    void theDocumentedScopeFilterWithWordOperators() throws FilterException {
        String filter = "tier in ['GOLD','PLATINUM'] and 'newsletter' in lists";
        Map<String, Object> contact = goldNewsletterContact();

        assertThat(matches(filter, contact)).isTrue();
        contact.put("tier", "SILVER");
        assertThat(matches(filter, contact)).isFalse();
    }

    @Test
    void propertyBased() throws FilterException {
        assertThat(matches("properties.vip == true", goldNewsletterContact())).isTrue();
        assertThat(matches("properties.region == 'US'", goldNewsletterContact())).isFalse();
        assertThat(matches("subscriptionStatus == 'subscribed'", goldNewsletterContact())).isTrue();
    }

    @Test
    void integerPropertiesCompareWithWholeAndDecimalNumbers() throws FilterException {
        assertThat(matches("properties.visits > 5", goldNewsletterContact())).isTrue();
        assertThat(matches("properties.visits > 7.5", goldNewsletterContact())).isFalse();
        assertThat(matches("points >= 1199.5", goldNewsletterContact())).isTrue();
    }

    @Test
    void listBased() throws FilterException {
        assertThat(matches("'vip-events' in lists", goldNewsletterContact())).isTrue();
        assertThat(matches("'partners' in lists", goldNewsletterContact())).isFalse();
    }

    @Test
    void activityBasedWithDaysAndWithCelDurations() throws FilterException {
        Map<String, Object> contact = goldNewsletterContact();

        assertThat(matches("lastActivityAt > now - days(30)", contact)).isTrue();
        assertThat(matches("lastActivityAt > now - days(2)", contact)).isFalse();
        assertThat(matches("lastActivityAt > now - duration('720h')", contact)).isTrue();
    }

    @Test
    void notAndOrAliases() throws FilterException {
        Map<String, Object> contact = goldNewsletterContact();

        assertThat(matches("not (tier == 'SILVER') and (points > 5000 or properties.vip)", contact)).isTrue();
        assertThat(matches("not properties.vip", contact)).isFalse();
    }

    @Test
    void aliasWordsInsideLiteralsAreCompared() throws FilterException {
        Map<String, Object> contact = goldNewsletterContact();
        contact.put("firstName", "and");

        assertThat(matches("firstName == 'and'", contact)).isTrue();
        assertThat(matches("firstName == 'or' or firstName == 'and'", contact)).isTrue();
        assertThat(matches("firstName == 'not'", contact)).isFalse();
    }

    @Test
    void missingOrNullValuesMakeTheComparisonFalse() throws FilterException {
        Map<String, Object> contact = goldNewsletterContact();
        contact.remove("tier");
        contact.put("subscriptionStatus", null);

        assertThat(matches("tier == 'GOLD'", contact)).isFalse();
        assertThat(matches("tier != 'GOLD'", contact)).isFalse();
        assertThat(matches("not (tier == 'GOLD')", contact)).isFalse();
        assertThat(matches("subscriptionStatus == 'subscribed'", contact)).isFalse();
        assertThat(matches("properties.unknown == 1", contact)).isFalse();
        assertThat(matches("properties.vip", Map.of())).isFalse();
    }

    @Test
    void theOtherSideOfOrAndAndStillDecides() throws FilterException {
        Map<String, Object> contact = goldNewsletterContact();
        contact.remove("tier");

        assertThat(matches("tier == 'GOLD' or properties.vip == true", contact)).isTrue();
        assertThat(matches("tier == 'GOLD' and properties.vip == false", contact)).isFalse();
        assertThat(matches("has(properties.nickname)", contact)).isFalse();
        assertThat(matches("has(properties.vip)", contact)).isTrue();
    }

    @Test
    void aRuntimeFailureIsFalseNotAnException() throws FilterException {
        assertThat(matches("points / 0 > 1", goldNewsletterContact())).isFalse();
    }

    @Test
    void aSyntaxErrorNamesItsPositionInTheUsersText() {
        assertThatThrownBy(() -> ContactFilter.compile("tier in ['GOLD' and ("))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.line()).isEqualTo(1);
                    assertThat(e.column()).isGreaterThan(1);
                    assertThat(e.getMessage()).startsWith("invalid expression at line 1, column ");
                });
    }

    @Test
    void aTypeErrorNamesTheOperatorAndTypes() {
        assertThatThrownBy(() -> ContactFilter.compile("tier == 1 and points > 2"))
                .isInstanceOfSatisfying(FilterException.class, e -> {
                    assertThat(e.column()).isEqualTo(6);
                    assertThat(e.reason()).contains("'_==_'").contains("(string, int)");
                });
    }

    @Test
    void anUnknownFieldIsRejected() {
        assertThatThrownBy(() -> ContactFilter.compile("teir == 'GOLD'"))
                .isInstanceOfSatisfying(FilterException.class,
                        e -> assertThat(e.reason()).contains("undeclared reference to 'teir'"));
    }

    @Test
    void aFilterMustBeBoolean() {
        assertThatThrownBy(() -> ContactFilter.compile("points + 1"))
                .isInstanceOf(FilterException.class)
                .hasMessageContaining("must be true or false");
    }

    @Test
    void anEmptyFilterIsRejected() {
        assertThatThrownBy(() -> ContactFilter.compile("  ")).isInstanceOf(FilterException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void aNonBooleanDynamicResultDoesNotMatch() throws FilterException {
        assertThat(matches("properties.region", goldNewsletterContact())).isFalse();
    }
}
