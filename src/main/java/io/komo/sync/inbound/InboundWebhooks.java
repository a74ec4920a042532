package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.api.Problem;
import io.komo.sync.api.StorableText;
import io.komo.sync.camel.CamelNames;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.WebhookVerdict;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * The first stage of the inbound webhook route: verify, store, acknowledge. The platform gets its
 * 2xx only once the raw event is committed, and never waits for the sync itself; a bad signature or
 * a stale timestamp gets 401 and nothing is stored.
 */
@ApplicationScoped
@Named("inboundWebhooks")
public class InboundWebhooks {

    /** Request headers that carry credentials (lower case): passed to the connector's verification, never stored. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization");

    @Inject
    RunningIntegrations integrations;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @ConfigProperty(name = "komo.webhooks.max-body-bytes", defaultValue = "1048576")
    int maxBodyBytes;

    public void accept(Exchange exchange) throws JsonProcessingException {
        Message message = exchange.getMessage();
        String integrationId = message.getHeader(CamelNames.INTEGRATION, String.class);
        String pathWithQuery = message.getHeader(Exchange.HTTP_URI, String.class);
        Map<String, List<String>> received = headers(message);
        String body = message.getBody(String.class);
        // Camel answers with every header the message holds, the caller's request headers included: an answer of
        // ours carries only what this class sets on it. Gone from the exchange, the caller's credentials also reach
        // no later step, error handler or log.
        message.removeHeaders("*");
        Optional<CompiledIntegration> integration = integrations.find(integrationId);
        if (integration.isEmpty()) {
            answer(exchange,
                    Problem.of(404, "Not Found", "No integration " + integrationId + " takes webhooks", List.of()));
            return;
        }
        if (body == null || body.length() > maxBodyBytes) {
            answer(exchange, Problem.of(body == null ? 400 : 413, body == null ? "Bad Request" : "Payload Too Large",
                    body == null ? "The webhook has no body" : "The webhook body exceeds " + maxBodyBytes + " bytes",
                    List.of()));
            return;
        }
        InboundWebhook webhook = new InboundWebhook("POST", pathWithQuery, received, body);
        CompiledIntegration running = integration.get();
        WebhookVerdict verdict = running.connector().verifyWebhook(running.context(), webhook);
        if (!verdict.valid()) {
            answer(exchange, Problem.of(401, "Unauthorized", verdict.reason(), List.of()));
            return;
        }
        String unstorable = unstorable(received, body);
        if (unstorable != null) {
            answer(exchange,
                    Problem.of(400, "Bad Request", "The webhook holds text that cannot be stored: " + unstorable,
                            List.of()));
            return;
        }
        UUID id = UUID.randomUUID();
        InboundWebhook kept = new InboundWebhook(webhook.method(), webhook.pathWithQuery(),
                withoutCredentials(received), body);
        QuarkusTransaction.requiringNew().run(() -> store(id, integrationId, kept));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(mapper.writeValueAsString(Map.of("id", id.toString(), "status", "accepted")));
    }

    private void store(UUID id, String integrationId, InboundWebhook webhook) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_delivery (id, direction, integration_id, payload, headers, status, received_at) "
                                + "VALUES (?, 'inbound', ?, ?, ?::jsonb, 'received', ?)")) {
            insert.setObject(1, id);
            insert.setString(2, integrationId);
            insert.setString(3, webhook.body());
            insert.setString(4, mapper.writeValueAsString(webhook.headers()));
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not store an inbound webhook of " + integrationId, e);
        }
    }

    /**
     * The request's HTTP headers with lower-case names, without Camel's own and without cookies, for the connector
     * to verify the webhook by: {@code Authorization} included, for platforms that authenticate with it.
     */
    private static Map<String, List<String>> headers(Message message) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        message.getHeaders().forEach((name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!name.startsWith("Camel") && !name.startsWith("komo-") && value != null && !lower.equals("cookie")) {
                headers.put(lower, List.of(value.toString()));
            }
        });
        return headers;
    }

    /**
     * What in a verified webhook PostgreSQL could not store (StorableText), or null: its headers are stored as jsonb
     * and its body as text, and a JSON body's strings reach contacts and the dead letters once applied. A webhook
     * that could never be applied is refused now, while the platform can still be told.
     */
    private static String unstorable(Map<String, List<String>> headers, String body) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String problem = StorableText.problem(header.getKey() + header.getValue());
            if (problem != null) {
                return problem + " in header " + StorableText.escape(header.getKey());
            }
        }
        List<String> type = headers.get("content-type");
        boolean json = type == null || type.isEmpty() || type.get(0).toLowerCase(Locale.ROOT).contains("json");
        String problem = json ? StorableText.jsonProblem(body) : StorableText.problem(body);
        return problem == null ? null : problem + " in the body";
    }

    /** The headers as stored with the webhook: credentials are used to verify it, never kept. */
    private static Map<String, List<String>> withoutCredentials(Map<String, List<String>> headers) {
        Map<String, List<String>> kept = new LinkedHashMap<>(headers);
        kept.keySet().removeAll(CREDENTIAL_HEADERS);
        return kept;
    }

    /** A problem answer; like every answer of this class, it carries no header the caller sent. */
    private void answer(Exchange exchange, Problem problem) throws JsonProcessingException {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        exchange.getMessage().setBody(mapper.writeValueAsString(problem));
    }
}
