package io.komo.sync.inbound;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
import io.komo.sync.security.StandardWebhooks;

/**
 * The first stage of the inbound webhook route: verify, store, acknowledge. The platform gets its
 * 2xx only once the raw event is committed, and never waits for the sync itself; a bad signature or
 * a stale timestamp gets 401 and nothing is stored.
 *
 * <p>A message the platform names ({@code webhook-id}, Standard Webhooks) is stored once: a redelivery is answered
 * 202 with the id it was stored under. Past the integration's backlog bound ({@link InboundBacklog}) a new message
 * gets 429 with Retry-After and is not stored; one already stored still gets its 202, since it was acknowledged
 * before. The bound is decided after the signature, so an unsigned caller learns nothing of the backlog.
 */
@ApplicationScoped
@Named("inboundWebhooks")
public class InboundWebhooks {

    /** Request headers that carry credentials (lower case): passed to the connector's verification, never stored. */
    private static final Set<String> CREDENTIAL_HEADERS = Set.of("authorization", "proxy-authorization");
    /**
     * A longer message id is not used to recognise redeliveries (it is stored and applied as before, never refused
     * for its length): an index entry has a size limit, and no platform's ids come near it.
     */
    static final int MAX_MESSAGE_ID_LENGTH = 255;

    @Inject
    RunningIntegrations integrations;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @Inject
    InboundBacklog backlog;

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
        String messageId = messageId(received);
        BacklogCounter.Admission admission = backlog.admit(running);
        if (!admission.admitted()) {
            // Only past the bound is a stored message looked up first; below it the insert recognises it by itself.
            Optional<UUID> stored = messageId == null ? Optional.empty() : stored(integrationId, messageId);
            if (stored.isPresent()) {
                accepted(exchange, stored.get());
                return;
            }
            backlog.refused(integrationId);
            refuse(exchange, integrationId, admission, backlog.maxBacklog(running));
            return;
        }
        UUID id = UUID.randomUUID();
        InboundWebhook kept = new InboundWebhook(webhook.method(), webhook.pathWithQuery(),
                withoutCredentials(received), body);
        UUID storedAs = QuarkusTransaction.requiringNew().call(() -> store(id, integrationId, messageId, kept));
        if (storedAs.equals(id)) {
            backlog.accepted(integrationId); // after the commit: see BacklogCounter
        }
        accepted(exchange, storedAs);
    }

    /**
     * Stores the webhook under {@code id}, or, when the integration already holds a message with its id, nothing:
     * answers the id the message is stored under.
     */
    private UUID store(UUID id, String integrationId, String messageId, InboundWebhook webhook) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_delivery (id, direction, integration_id, payload, headers, status, received_at, "
                                + "message_id) VALUES (?, 'inbound', ?, ?, ?::jsonb, 'received', ?, ?) "
                                + "ON CONFLICT (integration_id, message_id) WHERE direction = 'inbound' AND message_id IS NOT NULL "
                                + "DO NOTHING")) {
            insert.setObject(1, id);
            insert.setString(2, integrationId);
            insert.setString(3, webhook.body());
            insert.setString(4, mapper.writeValueAsString(webhook.headers()));
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.setString(6, messageId);
            if (insert.executeUpdate() == 1) {
                return id;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("Could not store an inbound webhook of " + integrationId, e);
        }
        return stored(integrationId, messageId).orElseThrow(() -> new IllegalStateException(
                "An inbound webhook of " + integrationId + " was neither stored nor found by its message id"));
    }

    /** The id under which the integration's message {@code messageId} is stored, if it is. */
    private Optional<UUID> stored(String integrationId, String messageId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement("SELECT id FROM webhook_delivery "
                        + "WHERE integration_id = ? AND direction = 'inbound' AND message_id = ?")) {
            read.setString(1, integrationId);
            read.setString(2, messageId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? Optional.of(rs.getObject(1, UUID.class)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not look up an inbound webhook of " + integrationId, e);
        }
    }

    /** The platform's id of the message (Standard Webhooks' {@code webhook-id}), or null when it names none usable. */
    private static String messageId(Map<String, List<String>> headers) {
        List<String> values = headers.get(StandardWebhooks.ID_HEADER);
        String id = values == null || values.isEmpty() ? null : values.get(0);
        return id == null || id.isBlank() || id.length() > MAX_MESSAGE_ID_LENGTH ? null : id;
    }

    private void accepted(Exchange exchange, UUID storedAs) throws JsonProcessingException {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage()
                .setBody(mapper.writeValueAsString(Map.of("id", storedAs.toString(), "status", "accepted")));
    }

    /** 429: the platform is to send it again after Retry-After, as it would after any failed delivery. */
    private void refuse(Exchange exchange, String integrationId, BacklogCounter.Admission admission, long maxBacklog)
            throws JsonProcessingException {
        answer(exchange, Problem.of(429, "Too Many Requests",
                "Integration " + integrationId + " has " + admission.backlog()
                        + " webhooks waiting to be applied, its bound is " + maxBacklog
                        + ": this one is not stored; send it again in " + admission.retryAfterSeconds() + " s",
                List.of())
                .with(Map.of("backlog", admission.backlog(), "maxBacklog", maxBacklog, "retryAfterSeconds",
                        admission.retryAfterSeconds())));
        exchange.getMessage().setHeader("Retry-After", admission.retryAfterSeconds());
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
