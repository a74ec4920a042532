package io.komo.sync.connector.spi;

import java.util.EnumSet;
import java.util.List;
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

    /** Deletes (or archives, per the integration's policy) one record. */
    PreparedCall delete(ConnectorContext context, OutboundRecord record);

    /** One page of records changed since {@code cursor} (a platform watermark; null = from the beginning). */
    PreparedCall readChangedSince(ConnectorContext context, String cursor, int pageSize);

    /** Reads a page answered to {@link #readChangedSince}. */
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
