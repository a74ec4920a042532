package io.komo.sync.testing;

import java.time.Instant;
import java.util.List;

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
 * A platform that exists only in tests, so integrations can be defined and validated without depending on
 * any real connector. It describes its fields; it is never asked to move data.
 */
@ApplicationScoped
public class TestPlatformConnector implements Connector {

    public static final String PLATFORM = "test-platform";

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
        return List.of(new FieldDescriptor("email", "Email", "text", true),
                new FieldDescriptor("first_name", "First name", "text", false));
    }

    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        throw new UnsupportedOperationException("the test platform moves no data");
    }

    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        return WebhookVerdict.rejected("the test platform receives no webhooks");
    }

    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        throw new UnsupportedOperationException("the test platform receives no webhooks");
    }

}
