package io.komo.sync.merge;

import static io.komo.sync.merge.Fixtures.EARLY;
import static io.komo.sync.merge.Fixtures.LATE;
import static io.komo.sync.merge.Fixtures.at;
import static io.komo.sync.merge.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class MergeResolverTest {

    private final MergeResolver resolver = new MergeResolver();

    private MergeResult merge(Map<String, Object> base, SideSnapshot komo, SideSnapshot external, ConflictRule rule) {
        return resolver.merge("c-1", base, komo, external, ConflictPolicy.of(rule, Side.KOMO));
    }

    /** Base "Ann"; Komo says {@code komoValue} at {@code komoTime}, external {@code externalValue} at its time. */
    private MergeResult conflictOnName(ConflictRule rule, Side sourceOfTruth, Object komoValue, Instant komoTime,
            Object externalValue, Instant externalTime) {
        return resolver.merge("c-1", values("firstName", "Ann"),
                SideSnapshot.of(values("firstName", komoValue), timeOf("firstName", komoTime)),
                SideSnapshot.of(values("firstName", externalValue), timeOf("firstName", externalTime)),
                ConflictPolicy.of(rule, sourceOfTruth));
    }

    private static Map<String, Instant> timeOf(String field, Instant time) {
        return time == null ? Map.of() : Map.of(field, time);
    }

    private static void assertKomoWon(MergeResult result, Object value) {
        assertThat(result.externalWrites()).containsExactly(Map.entry("firstName", value));
        assertThat(result.komoWrites()).isEmpty();
        assertThat(result.newBase()).containsEntry("firstName", value);
        assertThat(result.decisions()).singleElement()
                .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.TAKE_KOMO);
    }

    private static void assertExternalWon(MergeResult result, Object value) {
        assertThat(result.komoWrites()).containsExactly(Map.entry("firstName", value));
        assertThat(result.externalWrites()).isEmpty();
        assertThat(result.newBase()).containsEntry("firstName", value);
        assertThat(result.decisions()).singleElement()
                .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.TAKE_EXTERNAL);
    }

    @Nested
    class OneSideChanged {

        @Test
        void komoChangeIsWrittenToTheExternalSide() {
            MergeResult result = merge(values("firstName", "Ann", "tier", "GOLD"),
                    at(LATE, "firstName", "Anne", "tier", "GOLD"), at(EARLY, "firstName", "Ann", "tier", "GOLD"),
                    ConflictRule.TWO_WAY);

            assertThat(result.externalWrites()).containsExactly(Map.entry("firstName", "Anne"));
            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.newBase())
                    .containsExactlyInAnyOrderEntriesOf(values("firstName", "Anne", "tier", "GOLD"));
            assertThat(result.baseChanged()).isTrue();
            assertThat(result.decisions()).containsExactly(
                    new MergeDecision("firstName", ConflictRule.TWO_WAY, MergeOutcome.TAKE_KOMO, "Ann", "Anne",
                            "only komo changed", false),
                    new MergeDecision("tier", ConflictRule.TWO_WAY, MergeOutcome.UNCHANGED, "GOLD", "GOLD",
                            "neither side changed", false));
        }

        @Test
        void externalChangeIsWrittenToKomoEvenWhenOlderThanKomosLastEdit() {
            // Timestamps only settle conflicts: an unopposed change always crosses over.
            MergeResult result = merge(values("firstName", "Ann"), at(LATE, "firstName", "Ann"),
                    at(EARLY, "firstName", "Annie"), ConflictRule.TWO_WAY);

            assertThat(result.komoWrites()).containsExactly(Map.entry("firstName", "Annie"));
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.newBase()).containsEntry("firstName", "Annie");
        }

        @Test
        void clearingAFieldIsAChangeThatWritesNull() {
            MergeResult result = merge(values("phone", "+441234"), at(LATE, "phone", null),
                    at(EARLY, "phone", "+441234"), ConflictRule.TWO_WAY);

            assertThat(result.externalWrites()).hasSize(1).containsEntry("phone", null);
            assertThat(result.newBase()).containsEntry("phone", null);
        }

        @Test
        void aFieldTheSideDidNotReportIsTakenAsUnchanged() {
            // A HubSpot propertyChange webhook names one property; the others must not read as cleared.
            MergeResult result = merge(values("firstName", "Ann", "lastName", "Lee"),
                    at(EARLY, "firstName", "Ann", "lastName", "Lee"), at(LATE, "lastName", "Li"),
                    ConflictRule.TWO_WAY);

            assertThat(result.komoWrites()).containsExactly(Map.entry("lastName", "Li"));
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.newBase())
                    .containsExactlyInAnyOrderEntriesOf(values("firstName", "Ann", "lastName", "Li"));
        }
    }

    @Nested
    class BothChanged {

        @Test
        void sameChangeOnBothSidesWritesNothingButAdvancesTheBase() {
            MergeResult result = merge(values("points", 10), at(EARLY, "points", 20L), at(LATE, "points", 20.0),
                    ConflictRule.MANUAL);

            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.manualConflicts()).isEmpty();
            assertThat(result.newBase()).containsEntry("points", 20L);
            assertThat(result.baseChanged()).isTrue();
            assertThat(result.isEmpty()).as("the new base must still be saved").isFalse();
            assertThat(result.decisions()).singleElement()
                    .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.UNCHANGED);
        }

        @Test
        void twoWayNewerKomoChangeWins() {
            assertKomoWon(conflictOnName(ConflictRule.TWO_WAY, Side.EXTERNAL, "Anne", LATE, "Annie", EARLY), "Anne");
        }

        @Test
        void twoWayNewerExternalChangeWins() {
            assertExternalWon(conflictOnName(ConflictRule.TWO_WAY, Side.KOMO, "Anne", EARLY, "Annie", LATE), "Annie");
        }

        @Test
        void twoWayTieGoesToTheSourceOfTruth() {
            assertKomoWon(conflictOnName(ConflictRule.TWO_WAY, Side.KOMO, "Anne", LATE, "Annie", LATE), "Anne");
            assertExternalWon(conflictOnName(ConflictRule.TWO_WAY, Side.EXTERNAL, "Anne", LATE, "Annie", LATE),
                    "Annie");
        }

        @Test
        void twoWayWithAMissingTimestampGoesToTheSourceOfTruth() {
            assertExternalWon(conflictOnName(ConflictRule.TWO_WAY, Side.EXTERNAL, "Anne", LATE, "Annie", null),
                    "Annie");
            assertKomoWon(conflictOnName(ConflictRule.TWO_WAY, Side.KOMO, "Anne", null, "Annie", LATE), "Anne");
            assertExternalWon(conflictOnName(ConflictRule.TWO_WAY, Side.EXTERNAL, "Anne", null, "Annie", null),
                    "Annie");
        }

        @Test
        void twoWayDecisionSaysWhy() {
            MergeResult result = conflictOnName(ConflictRule.TWO_WAY, Side.KOMO, "Anne", EARLY, "Annie", EARLY);

            assertThat(result.decisions()).containsExactly(new MergeDecision("firstName", ConflictRule.TWO_WAY,
                    MergeOutcome.TAKE_KOMO, "Annie", "Anne", "same or unknown change time: source of truth wins",
                    true));
        }

        @ParameterizedTest
        @EnumSource(Side.class)
        void preferKomoWinsWhateverTheTimesAndSourceOfTruth(Side sourceOfTruth) {
            assertKomoWon(conflictOnName(ConflictRule.PREFER_KOMO, sourceOfTruth, "Anne", EARLY, "Annie", LATE),
                    "Anne");
        }

        @ParameterizedTest
        @EnumSource(Side.class)
        void preferExternalWinsWhateverTheTimesAndSourceOfTruth(Side sourceOfTruth) {
            assertExternalWon(conflictOnName(ConflictRule.PREFER_EXTERNAL, sourceOfTruth, "Anne", LATE, "Annie", EARLY),
                    "Annie");
        }

        @Test
        void preferKomoEvenWhenKomoClearedTheField() {
            assertKomoWon(conflictOnName(ConflictRule.PREFER_KOMO, Side.KOMO, "", LATE, "Annie", LATE), "");
        }

        static Stream<Object> blanks() {
            return Stream.of(null, "", "   ", List.of());
        }

        @ParameterizedTest
        @MethodSource("blanks")
        void preferKomoUnlessBlankFallsBackToExternalWhenKomoIsBlank(Object blank) {
            assertExternalWon(
                    conflictOnName(ConflictRule.PREFER_KOMO_UNLESS_BLANK, Side.KOMO, blank, LATE, "Annie", EARLY),
                    "Annie");
        }

        @Test
        void preferKomoUnlessBlankTakesANonBlankKomoValue() {
            assertKomoWon(conflictOnName(ConflictRule.PREFER_KOMO_UNLESS_BLANK, Side.EXTERNAL, "Anne", EARLY, "Annie",
                    LATE), "Anne");
        }

        @ParameterizedTest
        @MethodSource("blanks")
        void preferExternalUnlessBlankFallsBackToKomoWhenExternalIsBlank(Object blank) {
            assertKomoWon(conflictOnName(ConflictRule.PREFER_EXTERNAL_UNLESS_BLANK, Side.EXTERNAL, "Anne", EARLY, blank,
                    LATE), "Anne");
        }

        @Test
        void preferExternalUnlessBlankTakesANonBlankExternalValue() {
            assertExternalWon(conflictOnName(ConflictRule.PREFER_EXTERNAL_UNLESS_BLANK, Side.KOMO, "Anne", LATE,
                    "Annie", EARLY), "Annie");
        }
    }

    @Nested
    class Directions {

        @Test
        void komoOnlyCarriesKomoChangesOut() {
            MergeResult result = merge(values("tier", "GOLD"), at(LATE, "tier", "PLATINUM"), at(EARLY, "tier", "GOLD"),
                    ConflictRule.KOMO_ONLY);

            assertThat(result.externalWrites()).containsExactly(Map.entry("tier", "PLATINUM"));
            assertThat(result.komoWrites()).isEmpty();
        }

        @Test
        void komoOnlyDoesNotBringExternalChangesIn() {
            MergeResult result = merge(values("tier", "GOLD"), at(EARLY, "tier", "GOLD"), at(LATE, "tier", "SILVER"),
                    ConflictRule.KOMO_ONLY);

            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.newBase()).containsEntry("tier", "GOLD");
            assertThat(result.isEmpty()).isTrue();
            assertThat(result.decisions()).containsExactly(new MergeDecision("tier", ConflictRule.KOMO_ONLY,
                    MergeOutcome.IGNORED, "GOLD", "GOLD", "external change not synced: field is komo-only", false));
        }

        @Test
        void komoOnlyConflictIsWonByKomo() {
            MergeResult result = merge(values("tier", "GOLD"), at(EARLY, "tier", "PLATINUM"),
                    at(LATE, "tier", "SILVER"), ConflictRule.KOMO_ONLY);

            assertThat(result.externalWrites()).containsExactly(Map.entry("tier", "PLATINUM"));
            assertThat(result.komoWrites()).isEmpty();
        }

        @Test
        void externalOnlyBringsExternalChangesIn() {
            MergeResult result = merge(values("score", 5), at(EARLY, "score", 5), at(LATE, "score", 9),
                    ConflictRule.EXTERNAL_ONLY);

            assertThat(result.komoWrites()).containsExactly(Map.entry("score", 9));
            assertThat(result.externalWrites()).isEmpty();
        }

        @Test
        void externalOnlyDoesNotCarryKomoChangesOut() {
            MergeResult result = merge(values("score", 5), at(LATE, "score", 7), at(EARLY, "score", 5),
                    ConflictRule.EXTERNAL_ONLY);

            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.decisions()).singleElement()
                    .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.IGNORED);
        }

        @Test
        void externalOnlyConflictIsWonByExternal() {
            MergeResult result = merge(values("score", 5), at(LATE, "score", 7), at(EARLY, "score", 9),
                    ConflictRule.EXTERNAL_ONLY);

            assertThat(result.komoWrites()).containsExactly(Map.entry("score", 9));
            assertThat(result.externalWrites()).isEmpty();
        }

        @Test
        void ignoredFieldIsNeverWrittenNorBased() {
            MergeResult result = resolver.merge("c-1", values("notes", "a"), at(LATE, "notes", "b", "tier", "GOLD"),
                    at(EARLY, "notes", "c", "tier", "GOLD"),
                    ConflictPolicy.of(ConflictRule.TWO_WAY, Side.KOMO).withField("notes", ConflictRule.IGNORE));

            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.newBase()).containsExactlyInAnyOrderEntriesOf(values("notes", "a", "tier", "GOLD"));
            assertThat(result.decisions()).filteredOn(d -> d.field().equals("notes")).singleElement()
                    .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.IGNORED);
        }
    }

    @Nested
    class Manual {

        @Test
        void conflictIsParkedAndTheFieldLeftAloneWhileOtherFieldsSync() {
            ConflictPolicy policy = ConflictPolicy.of(ConflictRule.TWO_WAY, Side.KOMO)
                    .withField("email", ConflictRule.MANUAL);
            MergeResult result = resolver.merge("c-7", values("email", "a@x.com", "tier", "GOLD"),
                    at(EARLY, "email", "b@x.com", "tier", "PLATINUM"), at(LATE, "email", "c@x.com", "tier", "GOLD"),
                    policy);

            assertThat(result.manualConflicts()).containsExactly(new ManualConflict("c-7", "email",
                    new FieldVersion("b@x.com", EARLY), new FieldVersion("c@x.com", LATE), "a@x.com"));
            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).containsExactly(Map.entry("tier", "PLATINUM"));
            assertThat(result.newBase()).containsEntry("email", "a@x.com").containsEntry("tier", "PLATINUM");
            assertThat(result.decisions()).filteredOn(d -> d.field().equals("email")).singleElement()
                    .extracting(MergeDecision::outcome).isEqualTo(MergeOutcome.PARKED);
            assertThat(result.isEmpty()).isFalse();
        }

        @Test
        void manualFieldChangedOnOneSideOnlySyncsNormally() {
            MergeResult result = merge(values("email", "a@x.com"), at(LATE, "email", "b@x.com"),
                    at(EARLY, "email", "a@x.com"), ConflictRule.MANUAL);

            assertThat(result.manualConflicts()).isEmpty();
            assertThat(result.externalWrites()).containsExactly(Map.entry("email", "b@x.com"));
        }
    }

    @Nested
    class FirstSync {

        @Test
        void blankSideTakesTheOtherSidesValue() {
            MergeResult result = merge(null, at(EARLY, "firstName", "Ann", "phone", ""),
                    at(LATE, "firstName", null, "phone", "+441234"), ConflictRule.PREFER_KOMO);

            assertThat(result.externalWrites()).containsExactly(Map.entry("firstName", "Ann"));
            assertThat(result.komoWrites()).containsExactly(Map.entry("phone", "+441234"));
            assertThat(result.newBase()).containsExactlyInAnyOrderEntriesOf(
                    values("firstName", "Ann", "phone", "+441234"));
        }

        @Test
        void fieldMissingFromOneSideIsFilledFromTheOther() {
            MergeResult result = merge(Map.of(), at(EARLY, "lastName", "Lee"), SideSnapshot.empty(),
                    ConflictRule.TWO_WAY);

            assertThat(result.externalWrites()).containsExactly(Map.entry("lastName", "Lee"));
        }

        @Test
        void equalValuesOnlyRecordTheBase() {
            MergeResult result = merge(null, at(EARLY, "points", 5), at(LATE, "points", 5L), ConflictRule.TWO_WAY);

            assertThat(result.komoWrites()).isEmpty();
            assertThat(result.externalWrites()).isEmpty();
            assertThat(result.newBase()).containsEntry("points", 5);
            assertThat(result.baseChanged()).isTrue();
        }

        @Test
        void bothBlankChangesNothing() {
            MergeResult result = merge(null, at(EARLY, "phone", null), at(LATE, "phone", " "), ConflictRule.TWO_WAY);

            assertThat(result.isEmpty()).isTrue();
            assertThat(result.newBase()).isEmpty();
        }

        @Test
        void differentNonBlankValuesConflictUnderTheRule() {
            assertThat(merge(null, at(LATE, "firstName", "Ann"), at(EARLY, "firstName", "Anna"),
                    ConflictRule.PREFER_EXTERNAL).komoWrites()).containsExactly(Map.entry("firstName", "Anna"));
            assertThat(merge(null, at(LATE, "firstName", "Ann"), at(EARLY, "firstName", "Anna"),
                    ConflictRule.TWO_WAY).externalWrites()).containsExactly(Map.entry("firstName", "Ann"));
            assertThat(merge(null, at(LATE, "firstName", "Ann"), at(EARLY, "firstName", "Anna"),
                    ConflictRule.MANUAL).manualConflicts()).singleElement()
                    .extracting(ManualConflict::base).isNull();
        }

        @Test
        void komoOnlyDoesNotFillKomoFromTheExternalSide() {
            MergeResult result = merge(null, at(EARLY, "tier", null), at(LATE, "tier", "GOLD"), ConflictRule.KOMO_ONLY);

            assertThat(result.isEmpty()).isTrue();
        }

        @Test
        void newlyMappedFieldWithoutBaseIsTreatedAsFirstSync() {
            MergeResult result = merge(values("firstName", "Ann"), at(EARLY, "firstName", "Ann", "city", "Leeds"),
                    at(EARLY, "firstName", "Ann"), ConflictRule.TWO_WAY);

            assertThat(result.externalWrites()).containsExactly(Map.entry("city", "Leeds"));
        }
    }

    @Nested
    class EchoSuppression {

        /**
         * Each round one side really changes the field; the runtime writes it to the other side and then hears it
         * back from there, typed as a JSON decoder would (Integer becomes Long, empty text becomes null).
         */
        @Test
        void hundredRoundTripsWriteOncePerChangeAndDropEveryEcho() {
            Map<String, Object> base = values("points", 0, "nickname", "x");
            SideSnapshot komo = at(EARLY, "points", 0, "nickname", "x");
            SideSnapshot external = at(EARLY, "points", 0L, "nickname", "x");
            int writes = 0;
            for (int round = 1; round <= 100; round++) {
                Instant changedAt = EARLY.plusSeconds(round * 60L);
                Object nickname = round % 10 == 0 ? "" : "nick-" + round;
                Object heardBack = "".equals(nickname) ? null : nickname;
                MergeResult change;
                if (round % 2 == 0) {
                    komo = komo.with("points", round, changedAt).with("nickname", nickname, changedAt);
                    change = merge(base, komo, external, ConflictRule.TWO_WAY);
                    assertThat(change.komoWrites()).isEmpty();
                    assertThat(change.externalWrites()).containsExactlyInAnyOrderEntriesOf(
                            values("points", round, "nickname", nickname));
                    external = external.with("points", (long) round, changedAt.plusSeconds(1))
                            .with("nickname", heardBack, changedAt.plusSeconds(1));
                } else {
                    external = external.with("points", (long) round, changedAt).with("nickname", heardBack, changedAt);
                    change = merge(base, komo, external, ConflictRule.TWO_WAY);
                    assertThat(change.externalWrites()).isEmpty();
                    assertThat(change.komoWrites()).containsExactlyInAnyOrderEntriesOf(
                            values("points", (long) round, "nickname", heardBack));
                    komo = komo.with("points", round, changedAt.plusSeconds(1))
                            .with("nickname", nickname, changedAt.plusSeconds(1));
                }
                writes += change.komoWrites().size() + change.externalWrites().size();
                base = change.newBase();

                MergeResult echo = merge(base, komo, external, ConflictRule.TWO_WAY);
                assertThat(echo.isEmpty()).as("echo in round %d: %s", round, echo.decisions()).isTrue();
                assertThat(echo.newBase()).isEqualTo(base);
            }
            assertThat(writes).isEqualTo(200);
        }
    }
}
