package io.komo.sync.outbound;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.komo.sync.connector.spi.ActivityRecord;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.merge.MergeDecision;
import io.komo.sync.runtime.CompiledIntegration;

/**
 * What the outbound stages decided for one batch of Komo changes, filled in stage by stage:
 * {@code plan} fills the records to send, {@code deliver} their outcomes, {@code record} writes it all.
 */
public final class OutboundPlan {

    /** A contact to send: the record in the platform's fields, and the base to keep once it is delivered. */
    public record Planned(UUID contactId, OutboundRecord record, Map<String, Object> oldBase,
            Map<String, Object> newBase, List<MergeDecision> decisions, String payload) {
    }

    /** A planned contact the platform accepted, in the call that started at {@code sentAt}. */
    public record Delivered(Planned planned, String externalId, boolean created, Instant sentAt) {
    }

    /** A Komo event to send as a platform activity, with the outbox payload it came as (for a dead letter). */
    public record Activity(ActivityRecord record, String payload) {
    }

    final String integrationId;
    final int attempt;
    /** The integration as it ran when this plan was made: a plan made ahead holds only while it still runs so. */
    private final CompiledIntegration madeWith;
    final List<Planned> toSend = new ArrayList<>();
    final List<Planned> toDelete = new ArrayList<>();
    final List<Delivered> delivered = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final List<Activity> activities = new ArrayList<>();
    final List<Activity> activitiesSent = new ArrayList<>();
    /** Activities the platform takes none of (its connector has no activity call): skipped, not failed. */
    int activitiesSkipped;
    int filteredOut;
    int unchanged;

    OutboundPlan(CompiledIntegration integration, int attempt) {
        this.integrationId = integration.id();
        this.attempt = attempt;
        this.madeWith = integration;
    }

    /**
     * Whether this plan, made ahead of its batch, is the one the batch would make now: same attempt, and
     * made with the integration as it runs now (an update in between compiles a new one, whose mapping,
     * scope or merge rules the plan may not follow).
     */
    boolean holdsFor(CompiledIntegration running, int attempt) {
        return madeWith == running && this.attempt == attempt;
    }

    public String integrationId() {
        return integrationId;
    }

    public List<Planned> toSend() {
        return toSend;
    }

    public List<Delivered> delivered() {
        return delivered;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    public List<Activity> activitiesSent() {
        return activitiesSent;
    }

    public int activitiesSkipped() {
        return activitiesSkipped;
    }

    public int filteredOut() {
        return filteredOut;
    }

    public int unchanged() {
        return unchanged;
    }
}
