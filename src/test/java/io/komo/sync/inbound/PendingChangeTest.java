package io.komo.sync.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.inbound.PendingChange.FieldChange;

class PendingChangeTest {

    private static final Instant T1 = Instant.parse("2026-05-01T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(60);
    private static final Instant T3 = T2.plusSeconds(60);

    private final UUID first = UUID.randomUUID();
    private final UUID second = UUID.randomUUID();
    private final UUID third = UUID.randomUUID();

    private static PendingChange change(UUID event, Instant at, Object... fieldsAndValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            fields.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return PendingChange.of("key", event, new InboundRecord("ext-1", fields, at, false));
    }

    private static PendingChange deletion(UUID event, Instant at) {
        return PendingChange.of("key", event, new InboundRecord("ext-1", Map.of(), at, true));
    }

    @Test
    void eachFieldKeepsItsNewestValueAndTheGroupKeepsEveryEvent() {
        PendingChange folded = change(first, T1, "first_name", "Ann", "tier", "SILVER")
                .then(change(second, T2, "first_name", "Anna"))
                .then(change(third, T3, "last_name", "Lee"));

        assertThat(folded.fields()).containsExactly(
                Map.entry("first_name", new FieldChange("Anna", T2)),
                Map.entry("tier", new FieldChange("SILVER", T1)),
                Map.entry("last_name", new FieldChange("Lee", T3)));
        assertThat(folded.deleted()).isFalse();
        assertThat(folded.changedAt()).isEqualTo(T3);
        assertThat(folded.eventIds()).containsExactly(first, second, third);
        assertThat(folded.record()).isEqualTo(new InboundRecord("ext-1",
                Map.of("first_name", "Anna", "tier", "SILVER", "last_name", "Lee"), T3, false));
        assertThat(folded.fieldChangedAt()).containsEntry("first_name", T2).containsEntry("tier", T1);
    }

    @Test
    void aChangeThatArrivesLateButHappenedEarlierDoesNotOverwriteANewerOne() {
        PendingChange folded = change(first, T2, "first_name", "Newer").then(change(second, T1, "first_name", "Older"));

        assertThat(folded.fields().get("first_name")).isEqualTo(new FieldChange("Newer", T2));
        assertThat(folded.eventIds()).containsExactly(first, second);
    }

    @Test
    void equalOrUnknownTimesAreOrderedByArrival() {
        assertThat(change(first, T1, "tier", "GOLD").then(change(second, T1, "tier", "PLATINUM")).fields().get("tier")
                .value())
                .isEqualTo("PLATINUM");
        assertThat(
                change(first, T2, "tier", "GOLD").then(change(second, null, "tier", "PLATINUM")).fields().get("tier"))
                .isEqualTo(new FieldChange("PLATINUM", null));
        assertThat(change(first, null, "tier", "GOLD").then(change(second, T1, "tier", "PLATINUM")).fields().get("tier")
                .value())
                .isEqualTo("PLATINUM");
    }

    @Test
    void aDeletionWinsOverEveryEarlierChange() {
        PendingChange folded = change(first, T1, "first_name", "Ann").then(change(second, null, "tier", "GOLD"))
                .then(deletion(third, T2));

        assertThat(folded.deleted()).isTrue();
        assertThat(folded.fields()).isEmpty();
        assertThat(folded.changedAt()).isEqualTo(T2);
        assertThat(folded.eventIds()).containsExactly(first, second, third);
        assertThat(folded.then(change(UUID.randomUUID(), T1, "first_name", "Before the deletion")).deleted())
                .as("a change that happened before the deletion, arriving after it").isTrue();
    }

    @Test
    void aChangeAfterADeletionReCreatesTheRecordWithOnlyWhatCameAfter() {
        PendingChange recreated = change(first, T1, "first_name", "Ann", "tier", "GOLD").then(deletion(second, T2))
                .then(change(third, T3, "first_name", "Again"));

        assertThat(recreated.deleted()).isFalse();
        assertThat(recreated.fields()).containsExactly(Map.entry("first_name", new FieldChange("Again", T3)));
        assertThat(recreated.eventIds()).containsExactly(first, second, third);
    }

    @Test
    void aDeletionThatArrivesAfterANewerChangeKeepsOnlyTheChangesAfterIt() {
        PendingChange folded = change(first, T1, "tier", "GOLD").then(change(second, T3, "first_name", "Again"))
                .then(deletion(third, T2));

        assertThat(folded.deleted()).isFalse();
        assertThat(folded.fields()).containsOnlyKeys("first_name");
        assertThat(change(first, null, "tier", "GOLD").then(deletion(second, T2)).deleted())
                .as("a change of unknown time that arrived first is older").isTrue();
    }

    @Test
    void theLaterKnownExternalIdIsKept() {
        PendingChange withoutId = PendingChange.of("key", first,
                new InboundRecord(null, Map.of("tier", "GOLD"), null, false));

        assertThat(withoutId.then(change(second, null, "tier", "SILVER")).externalId()).isEqualTo("ext-1");
        assertThat(change(first, null, "tier", "SILVER").then(withoutId).externalId()).isEqualTo("ext-1");
    }
}
