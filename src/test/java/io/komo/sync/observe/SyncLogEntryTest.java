package io.komo.sync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.komo.sync.merge.ConflictPolicy;
import io.komo.sync.merge.ConflictRule;
import io.komo.sync.merge.MergeResolver;
import io.komo.sync.merge.MergeResult;
import io.komo.sync.merge.Side;
import io.komo.sync.merge.SideSnapshot;

class SyncLogEntryTest {

    private static final Instant EARLY = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant LATE = EARLY.plusSeconds(60);

    @Test
    void everyConflictDecisionIsLoggedWhateverTheRuleAndNothingElseIs() {
        MergeResult merge = new MergeResolver().merge("c-1",
                Map.of("first_name", "Ann", "last_name", "Lee", "tier", "GOLD", "city", "Oslo"),
                SideSnapshot.at(EARLY,
                        Map.of("first_name", "Anne", "last_name", "Li", "tier", "GOLD", "city", "Bergen")),
                SideSnapshot.at(LATE,
                        Map.of("first_name", "Annie", "last_name", "Leigh", "tier", "SILVER", "city", "Oslo")),
                ConflictPolicy.of(ConflictRule.TWO_WAY, Side.KOMO).withField("last_name", ConflictRule.PREFER_KOMO));

        List<SyncLogEntry> logged = SyncLogEntry.conflicts("crm", UUID.randomUUID(), "ext-1", merge.decisions());

        assertThat(logged).extracting(SyncLogEntry::field).containsExactlyInAnyOrder("first_name", "last_name");
        assertThat(logged).allSatisfy(entry -> assertThat(entry.type()).isEqualTo(SyncLogEntry.Type.CONFLICT));
        assertThat(logged).filteredOn(entry -> entry.field().equals("first_name")).singleElement().satisfies(entry -> {
            assertThat(entry.oldValue()).isEqualTo("Anne");
            assertThat(entry.newValue()).isEqualTo("Annie");
            assertThat(entry.actor()).isEqualTo("rule two-way: external changed it later");
        });
    }

    @Test
    void aFirstMatchNamesTheKeyAndEachFieldTheSidesHeldDifferentlyWithItsSource() {
        UUID contact = UUID.randomUUID();
        Map<String, Object> komo = new java.util.HashMap<>(Map.of("firstName", "Ann", "phone", "+16502531234"));
        komo.put("lastName", null);
        Map<String, Object> incoming = Map.of("firstName", "Annie", "lastName", "Lee", "phone", "+16502531234");

        List<SyncLogEntry> logged = SyncLogEntry.firstMatch("crm", contact, "ext-1", "phone", "+16502531234", komo,
                incoming, Map.of("lastName", "Lee"));

        assertThat(logged).allSatisfy(entry -> {
            assertThat(entry.contactId()).isEqualTo(contact);
            assertThat(entry.externalId()).isEqualTo("ext-1");
        });
        assertThat(logged).extracting(entry -> entry.operation() + " " + entry.field() + ": " + entry.oldValue()
                + " -> " + entry.newValue()).containsExactlyInAnyOrder(
                        "contact.received.matched phone: null -> +16502531234",
                        "field.merged.external lastName: null -> Lee",
                        "field.merged.komo firstName: Annie -> Ann");
    }
}
