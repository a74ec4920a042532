package io.komo.sync.testing;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.WebhookVerdict;

/**
 * A platform for tests, {@code test-header-auth}, that authenticates its webhooks the way many platforms do: with
 * an {@code Authorization} header ({@code Bearer} {@link #TOKEN}) instead of a signature. It keeps the header names
 * of each webhook it was asked to verify, and its webhooks carry no records.
 */
@ApplicationScoped
public class HeaderAuthTestConnector implements Connector {

    public static final String PLATFORM = "test-header-auth";
    public static final String TOKEN = "inbound-test-token-5f1c9a7e";

    private final List<Set<String>> verifiedHeaderNames = new CopyOnWriteArrayList<>();

    /** The header names of every webhook verified so far, oldest first. */
    public List<Set<String>> verifiedHeaderNames() {
        return List.copyOf(verifiedHeaderNames);
    }

    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        verifiedHeaderNames.add(Set.copyOf(webhook.headers().keySet()));
        return ("Bearer " + TOKEN).equals(webhook.header("Authorization"))
                ? WebhookVerdict.accepted()
                : WebhookVerdict.rejected("no valid Authorization header");
    }

    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        return List.of();
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ConnectorDefaults defaults() {
        return new ConnectorDefaults(100, 10, 1, null, "email");
    }

    @Override
    public List<FieldDescriptor> describeFields(ConnectorContext context) {
        return List.of();
    }

    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        throw new UnsupportedOperationException("the test platform only receives");
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        throw new UnsupportedOperationException("the test platform only receives");
    }

    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        throw new UnsupportedOperationException("the test platform only receives");
    }

    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        throw new UnsupportedOperationException("the test platform only receives");
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        throw new UnsupportedOperationException("the test platform only receives");
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        throw new UnsupportedOperationException("the test platform only receives");
    }
}
