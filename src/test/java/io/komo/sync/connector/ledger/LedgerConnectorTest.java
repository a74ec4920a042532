package io.komo.sync.connector.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.ConnectorContractTest;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.errors.Classification.Kind;

/** The ledger is trivial: everything its test needs is the contract's, fed with the ledger's fixtures. */
class LedgerConnectorTest extends ConnectorContractTest {

    private static final String SECRET = "ledger-signing-secret";

    @RegisterExtension
    static final LedgerFake ledger = new LedgerFake();

    private final LedgerConnector connector = new LedgerConnector(CLOCK);

    @Override
    protected Connector connector() {
        return connector;
    }

    @Override
    protected Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    protected PlatformFake fake() {
        return ledger;
    }

    @Override
    protected ConnectorContext context(String baseUrl, Integer batchSize) {
        return new ConnectorContext("ledger-1", new ConnectorContext.Endpoint(baseUrl, null, null, null, null),
                "bearer",
                batchSize, requiredOptions(), Map.of("token", "ledger-token"), Map.of("secret", SECRET));
    }

    @Override
    protected Map<String, Object> requiredOptions() {
        return Map.of("book", "customers");
    }

    @Override
    protected List<StatusCase> statuses() {
        return List.of(succeeds(200, "{\"results\":[{\"id\":\"L1\",\"created\":true}]}"),
                fails(400, "{\"error\":\"not JSON\"}", Kind.PERMANENT), fails(401, "", Kind.AUTH),
                fails(404, "{\"error\":\"no such book\"}", Kind.PERMANENT),
                throttled(423, "{\"error\":\"book closing\"}", Duration.ofSeconds(10)),
                throttled(429, "", Duration.ofSeconds(2)).withHeader("Retry-After", "2"),
                fails(500, "", Kind.RETRYABLE), fails(503, "", Kind.RETRYABLE));
    }

    @Override
    protected OutboundRecord refusedRecord(int i) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("email", "no-at-sign-" + i);
        return new OutboundRecord(new java.util.UUID(1, i), null, "no-at-sign-" + i, fields);
    }

    @Override
    protected String webhookBody(String externalId, String key, boolean deleted) {
        return "{\"entries\":[{\"id\":\"" + externalId + "\",\"fields\":{\"email\":\"" + key + "\"},\"deleted\":"
                + deleted + "}]}";
    }

    @Override
    protected InboundWebhook signedWebhook(String body, Instant signedAt) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        LedgerFake.signedHeaders(SECRET, body, signedAt)
                .forEach((name, value) -> headers.put(name.toLowerCase(), List.of(value)));
        return new InboundWebhook("POST", "/webhooks/ledger-1", headers, body);
    }
}
