package io.komo.sync.definition;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import io.komo.sync.dedup.DedupKey;
import io.komo.sync.dedup.DedupStrategy;
import io.komo.sync.mapping.FieldMapping;
import io.komo.sync.merge.ConflictRule;
import io.komo.sync.merge.Side;

/**
 * One integration as written in {@code config/integrations/<id>.yaml} or sent to the API (API.md §
 * Integration definition). Read strictly: an unknown key is an error naming it. Checked as a whole by
 * {@link DefinitionValidator}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntegrationDefinition(
        String id,
        String platform,
        String name,
        Direction direction,
        Side sourceOfTruth,
        Mode mode,
        DeletePolicy onDelete,
        Trigger trigger,
        Endpoint endpoint,
        Auth auth,
        Scope scope,
        List<FieldMapping> mapping,
        Conflicts conflicts,
        Dedup dedup,
        RateLimit rateLimit,
        Retry retry,
        Integer batchSize,
        Inbound inbound,
        /** Platform-specific settings (e.g. a Mailchimp audience id), described by each connector. */
        Map<String, Object> options) {

    public Direction directionOrDefault() {
        return direction == null ? Direction.OUTBOUND : direction;
    }

    public Side sourceOfTruthOrDefault() {
        return sourceOfTruth == null ? Side.KOMO : sourceOfTruth;
    }

    public Mode modeOrDefault() {
        return mode == null ? Mode.UPSERT : mode;
    }

    public DeletePolicy onDeleteOrDefault() {
        return onDelete == null ? DeletePolicy.IGNORE : onDelete;
    }

    /**
     * Whether a deletion on one side removes the record on the other, and how (README § Sync modes and deletes):
     * never in {@code create-only} (it touches no existing record); always in {@code mirror} (archived when
     * {@code onDelete} is {@code archive}, else deleted); otherwise as {@code onDelete} says ({@code ignore}: empty).
     */
    public Optional<DeletePolicy> deletesAs() {
        DeletePolicy policy = onDeleteOrDefault();
        return switch (modeOrDefault()) {
            case CREATE_ONLY -> Optional.empty();
            case MIRROR -> Optional.of(policy == DeletePolicy.ARCHIVE ? DeletePolicy.ARCHIVE : DeletePolicy.DELETE);
            case UPSERT, UPDATE_ONLY -> policy == DeletePolicy.IGNORE ? Optional.empty() : Optional.of(policy);
        };
    }

    public Trigger triggerOrDefault() {
        return trigger == null ? new Trigger(true, null, null) : trigger;
    }

    /** What an unlinked inbound record is matched on: email unless {@code dedup.key} says otherwise. */
    public DedupKey dedupKeyOrDefault() {
        return dedup == null || dedup.key() == null ? DedupKey.EMAIL : dedup.key();
    }

    public List<FieldMapping> mappingOrEmpty() {
        return mapping == null ? List.of() : mapping;
    }

    /**
     * The conflict rule of one mapped field: a rule may name the field by its Komo name or by the
     * platform's, as users know it from either side.
     */
    public ConflictRule conflictRuleOf(FieldMapping field) {
        if (conflicts == null || conflicts.fields() == null) {
            return null;
        }
        ConflictRule byKomoName = field.komo() == null ? null : conflicts.fields().get(field.komo());
        return byKomoName != null ? byKomoName : conflicts.fields().get(field.external());
    }

    /** The conflict rules that name no mapped field: kept, and applied once a mapping maps the field. */
    public List<String> conflictRulesForUnmappedFields() {
        if (conflicts == null || conflicts.fields() == null) {
            return List.of();
        }
        Set<String> mapped = new HashSet<>();
        for (FieldMapping field : mappingOrEmpty()) {
            if (field != null) {
                mapped.add(field.komo());
                mapped.add(field.external());
            }
        }
        return conflicts.fields().keySet().stream().filter(name -> !mapped.contains(name)).sorted().toList();
    }

    public IntegrationDefinition withId(String newId) {
        return new IntegrationDefinition(newId, platform, name, direction, sourceOfTruth, mode, onDelete, trigger,
                endpoint, auth, scope, mapping, conflicts, dedup, rateLimit, retry, batchSize, inbound, options);
    }

    /** Which way changes flow. */
    public enum Direction {
        OUTBOUND, INBOUND, BIDIRECTIONAL;

        public boolean sendsToExternal() {
            return this != INBOUND;
        }

        public boolean receivesFromExternal() {
            return this != OUTBOUND;
        }

        @JsonValue
        public String wireName() {
            return WireEnum.wireName(this);
        }

        @JsonCreator
        public static Direction of(String name) {
            return WireEnum.parse(Direction.class, name);
        }
    }

    /** How records are written to the target: create and update, only one of them, or mirror (also delete). */
    public enum Mode {
        UPSERT, UPDATE_ONLY, CREATE_ONLY, MIRROR;

        @JsonValue
        public String wireName() {
            return WireEnum.wireName(this);
        }

        @JsonCreator
        public static Mode of(String name) {
            return WireEnum.parse(Mode.class, name);
        }
    }

    /** What a deletion on one side does on the other. */
    public enum DeletePolicy {
        IGNORE, DELETE, ARCHIVE;

        @JsonValue
        public String wireName() {
            return WireEnum.wireName(this);
        }

        @JsonCreator
        public static DeletePolicy of(String name) {
            return WireEnum.parse(DeletePolicy.class, name);
        }
    }

    /** @param schedule a Quartz cron expression; @param timezone the zone it is read in (default UTC) */
    public record Trigger(Boolean realtime, String schedule, String timezone) {
        public boolean isRealtime() {
            return realtime == null || realtime;
        }
    }

    /**
     * Where the platform is. {@code baseUrl} may point at a sandbox, a proxy or a fake. For the generic
     * webhook: {@code method}, {@code path}, extra {@code headers}, and a request {@code template} (JSON
     * with {@code ${field}} placeholders filled from the mapped record).
     */
    public record Endpoint(String baseUrl, String path, String method, Map<String, String> headers, String template) {
    }

    /** @param credential the id of a stored credential; {@code secretCredential}: the inbound webhook signing secret */
    public record Auth(String type, String credential, String secretCredential) {
    }

    public record Scope(String filter) {
    }

    public record Conflicts(@JsonProperty("default") ConflictRule defaultRule, Map<String, ConflictRule> fields) {
    }

    public record Dedup(DedupKey key, DedupStrategy merge) {
    }

    public record RateLimit(Integer requests, Integer perSeconds, Long daily) {
    }

    public record Retry(Integer maxAttempts, String initialDelay, String maxDelay) {
    }

    /**
     * How the platform's changes are taken in. {@code maxBacklog}: how many of its webhooks may wait to be applied
     * before {@code POST /webhooks/{id}} answers 429 (default {@code komo.inbound.max-backlog}).
     */
    public record Inbound(Long maxBacklog) {
    }
}
