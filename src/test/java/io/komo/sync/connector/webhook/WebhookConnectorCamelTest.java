package io.komo.sync.connector.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationDefinition.Auth;
import io.komo.sync.definition.IntegrationDefinition.Endpoint;
import io.komo.sync.errors.ErrorClassifier;
import io.komo.sync.runtime.ConnectorContexts;
import io.komo.sync.security.OutboundAddressGuard;
import io.komo.sync.security.StandardWebhooks;

/** A prepared call travels through Camel's http component, as the engine sends it, to a fake receiver. */
@QuarkusTest
class WebhookConnectorCamelTest {

    private static final String SECRET = StandardWebhooks.newSecret();

    @Inject
    WebhookConnector connector;

    @Inject
    ProducerTemplate camel;

    @Inject
    OutboundAddressGuard guard;

    private final WebhookReceiverFake receiver = WebhookReceiverFake.start();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void theReceiverGetsTheBodyAuthAndAValidSignature() {
        ConnectorContext context = context();
        PreparedCall call = connector.upsert(context, List.of(WebhookConnectorTest.ann()));
        assertThat(guard.isAllowed(call.uri())).as("the %test allowlist lets the fake through").isTrue();

        CallOutcome outcome = send(call);

        assertThat(outcome.status()).isEqualTo(200);
        WebhookReceiverFake.Received got = receiver.lastReceived();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.path()).isEqualTo("/hooks/contacts");
        assertThat(got.body()).isEqualTo(call.body());
        assertThat(got.header("Authorization")).isEqualTo("Bearer end-to-end-token");
        assertThat(got.header("Content-Type")).startsWith("application/json");
        assertThat(got.header("X-Source")).isEqualTo("komo");
        assertThat(StandardWebhooks.fromSecret(SECRET).verify(got::header, got.body(), Instant.now()).valid()).isTrue();
        assertThat(connector.upsertResults(context, List.of(WebhookConnectorTest.ann()), outcome))
                .containsExactly(RecordResult.ok("ann@example.com", false));
    }

    @Test
    void failuresComeBackClassified() {
        receiver.answer(500, 1).throttle(3, 1).answer(422, "{\"error\":\"email rejected\"}", 1);
        ConnectorContext context = context();
        List<RecordResult> serverError = results(context);
        assertThat(serverError).singleElement().satisfies(r -> assertThat(r.retryable()).isTrue());
        List<RecordResult> throttled = results(context);
        assertThat(throttled).singleElement().satisfies(r -> assertThat(r.error()).contains("429"));
        assertThat(ErrorClassifier.generic(Clock.systemUTC()).classify(lastOutcome).retryAfter()).hasSeconds(3);
        assertThat(results(context)).singleElement()
                .satisfies(r -> assertThat(r.retryable()).isFalse())
                .satisfies(r -> assertThat(r.error()).contains("email rejected"));
        assertThat(receiver.received()).hasSize(3);
    }

    private io.komo.sync.connector.spi.CallOutcome lastOutcome;

    private List<RecordResult> results(ConnectorContext context) {
        CallOutcome outcome = send(connector.upsert(context, List.of(WebhookConnectorTest.ann())));
        lastOutcome = outcome;
        return connector.upsertResults(context, List.of(WebhookConnectorTest.ann()), outcome);
    }

    private ConnectorContext context() {
        Endpoint endpoint = new Endpoint(receiver.baseUrl(), "/hooks/contacts", null, Map.of("X-Source", "komo"), null);
        IntegrationDefinition definition = new IntegrationDefinition("e2e-hook", "webhook", null, null, null, null,
                null, null, endpoint, new Auth("bearer", "cred-e2e", "secret-e2e"), null, null, null, null, null, null,
                null, null, null);
        return ConnectorContexts.of(definition, Map.of("token", "end-to-end-token"), Map.of("secret", SECRET));
    }

    /** Sends as the engine does: call headers as message headers, method and no-throw as endpoint options. */
    private CallOutcome send(PreparedCall call) {
        Exchange exchange = camel.request(call.uri() + "?throwExceptionOnFailure=false&httpMethod=" + call.method(),
                out -> {
                    call.headers().forEach((name, value) -> out.getMessage().setHeader(name, value));
                    out.getMessage().setBody(call.body());
                });
        if (exchange.getException() != null) {
            throw new AssertionError("the call failed", exchange.getException());
        }
        Map<String, List<String>> headers = new java.util.HashMap<>();
        exchange.getMessage().getHeaders().forEach((name, value) -> headers.put(name, List.of(String.valueOf(value))));
        return new CallOutcome(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class), headers,
                exchange.getMessage().getBody(String.class));
    }
}
