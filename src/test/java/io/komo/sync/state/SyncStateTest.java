package io.komo.sync.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SyncStateTest {

    private static final Instant CREATED = Instant.parse("2026-11-28T10:00:00Z");
    private static final Instant UPDATED = CREATED.plusSeconds(60);
    private static final Instant RESENT = UPDATED.plusSeconds(60);

    private static SyncState sent(Map<String, Instant> sentAt) {
        return new SyncState("crm", UUID.randomUUID(), "ext-1", Map.of("tier", "GOLD", "first_name", "Ann"), CREATED,
                sentAt);
    }

    @Test
    void aWriteOfEveryFieldCountsForEachFieldUntilAFieldIsWrittenAgainAlone() {
        SyncState state = sent(Map.of(SyncState.EVERY_FIELD, CREATED, "tier", UPDATED));
        assertThat(state.lastSentAt("first_name")).isEqualTo(CREATED);
        assertThat(state.lastSentAt("tier")).isEqualTo(UPDATED);
        assertThat(sent(Map.of(SyncState.EVERY_FIELD, RESENT, "tier", UPDATED)).lastSentAt("tier"))
                .as("every field written again later").isEqualTo(RESENT);
    }

    @Test
    void aFieldNeverWrittenHasNoTime() {
        assertThat(sent(Map.of()).lastSentAt("tier")).isNull();
        assertThat(sent(Map.of("tier", UPDATED)).lastSentAt("first_name")).isNull();
    }
}
