package io.komo.sync.connector.spi;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the sync engine needs from a platform. A connector builds calls and reads their answers; it
 * never sends anything itself: the engine sends every {@link PreparedCall} through a Camel endpoint
 * (http, salesforce, kafka), so each call shows in the management console with its stats, and retry,
 * throttling and dead letters are decided in one place for all platforms.
 *
 * <p>One implementation per platform, in its own package under {@code connector/}, as an
 * {@code @ApplicationScoped} bean; {@link ConnectorRegistry} finds it by {@link #platform()}. Everything the engine
 * needs to know of a platform is declared here, so adding one touches nothing else: its defaults, its
 * {@link #options()} and {@link #authTypes()} (checked when a definition is saved), its fields, its
 * {@link #throttleSignals()}. Its test extends the connector contract test (docs/CONNECTORS.md).
 */
public interface Connector {

    /** The platform name used in definitions: {@code webhook}, {@code hubspot}, {@code salesforce}, ... */
    String platform();

    /** Batch size, rate limit and key field to use when a definition does not say. */
    ConnectorDefaults defaults();

    /**
     * The settings a definition may give under {@code options}; the validator refuses any other and any value that
     * does not fit its declaration. None by default.
     */
    default List<ConnectorOption> options() {
        return List.of();
    }

    /**
     * The {@code auth.type} values the platform takes; the validator refuses any other. By default every type,
     * including none: a connector that authenticates says how, and leaves out {@link AuthType#NONE} when it must.
     */
    default Set<AuthType> authTypes() {
        return EnumSet.allOf(AuthType.class);
    }

    /** The fields the platform offers, for mapping. */
    List<FieldDescriptor> describeFields(ConnectorContext context);

    /** A cheap authenticated call that proves credentials and permissions ({@code connection-test}). */
    PreparedCall connectionTest(ConnectorContext context);

    /** Whether the answer to {@link #connectionTest} shows working credentials; by default any 2xx. */
    default boolean acceptsConnectionTest(CallOutcome outcome) {
        return outcome.isSuccess();
    }

    /** Creates or updates up to {@link ConnectorDefaults#batchSize()} records in as few calls as the platform allows. */
    PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch);

    /** Per-record results of an upsert call, in batch order; a record missing from the answer is a failure. */
    List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome);

    /** Deletes one record. */
    PreparedCall delete(ConnectorContext context, OutboundRecord record);

    /**
     * Deletes or archives one record, as the integration's {@code onDelete} asks; what the engine calls. A platform
     * that distinguishes the two overrides this; by default an archive is a delete, for platforms that have no archive.
     */
    default PreparedCall delete(ConnectorContext context, OutboundRecord record, DeleteKind kind) {
        return delete(context, record);
    }

    /**
     * Sends Komo events as activities on the contacts' platform records, up to {@link ConnectorDefaults#batchSize()}
     * in as few calls as the platform allows; the call succeeds or fails as a whole. Empty (the default) when the
     * platform keeps no activities: the engine then skips them and counts them, it does not fail.
     */
    default Optional<PreparedCall> activities(ConnectorContext context, List<ActivityRecord> activities) {
        return Optional.empty();
    }

    /**
     * One page of the records the platform changed at or after {@code since} (inclusive: the engine asks from a
     * watermark less an overlap, and a record changed at exactly that instant must not be lost); null = every
     * record, as a full import and the drift check read. {@code cursor} is null for the first page, then the
     * {@link ChangedPage#nextCursor()} of the page before, always with the same {@code since}. A record the
     * platform cannot date comes only in a read without {@code since}. Deleted records come as
     * {@link InboundRecord#deleted()} where the platform can list them. A connector whose platform has no read API
     * throws {@link UnsupportedOperationException}; the engine then refuses pulls and drift checks for it.
     */
    PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize);

    /** Reads a page answered to {@link #readChangedSince}, with its next cursor and its watermark ({@link ChangedPage}). */
    ChangedPage changedPage(ConnectorContext context, CallOutcome outcome);

    /** Checks an inbound webhook's signature, secret or timestamp before anything is stored. */
    WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook);

    /** The record changes an inbound webhook carries, in the platform's field names. */
    List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook);

    /**
     * How the platform says "slow down" besides a plain 429 (a Salesforce 403 REQUEST_LIMIT_EXCEEDED, a Marketo
     * 606 inside a 200). The engine classifies every failed call: these signals first, then the generic HTTP rules.
     */
    default List<ThrottleSignal> throttleSignals() {
        return List.of();
    }
}
