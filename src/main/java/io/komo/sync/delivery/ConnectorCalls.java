package io.komo.sync.delivery;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.security.OutboundAddressGuard;

/**
 * Sends connectors' calls through Camel endpoints, so every platform call shows in the management
 * console with its stats. HTTP answers of any status come back as a {@link CallOutcome} for the
 * connector and the classifier to read; only transport failures (refused, timed out) throw.
 */
@ApplicationScoped
public class ConnectorCalls {

    @Inject
    ProducerTemplate producer;

    @Inject
    OutboundAddressGuard addressGuard;

    @Inject
    ApiUsage usage;

    @ConfigProperty(name = "komo.delivery.connect-timeout-ms", defaultValue = "5000")
    int connectTimeoutMs;

    @ConfigProperty(name = "komo.delivery.response-timeout-ms", defaultValue = "30000")
    int responseTimeoutMs;

    /** A call to an integration's platform, counted in its {@link ApiUsage}. */
    public CallOutcome send(String integrationId, PreparedCall call) throws Exception {
        usage.requested(integrationId);
        return send(call);
    }

    public CallOutcome send(PreparedCall call) throws Exception {
        URI target = URI.create(call.uri());
        boolean http = "http".equals(target.getScheme()) || "https".equals(target.getScheme());
        if (http) {
            // Checked again at send time: a host name may resolve elsewhere now than when it was saved.
            addressGuard.refusal(call.uri()).ifPresent(reason -> {
                throw new IllegalArgumentException("Refused outbound address " + target.getHost() + ": " + reason);
            });
        }
        String endpoint = http ? httpEndpoint(target) : call.uri();
        Exchange result = producer.send(endpoint, exchange -> {
            exchange.getMessage().setBody(call.body());
            if (call.headers() != null) {
                exchange.getMessage().getHeaders().putAll(call.headers());
            }
            if (http) {
                exchange.getMessage().setHeader(Exchange.HTTP_METHOD, call.method());
                exchange.getMessage().setHeader(Exchange.HTTP_QUERY, target.getRawQuery());
            }
        });
        if (result.getException() != null) {
            throw result.getException();
        }
        Integer status = result.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        result.getMessage().getHeaders().forEach((name, value) -> {
            if (!name.startsWith("Camel") && value != null) {
                headers.put(name, List.of(value.toString()));
            }
        });
        return new CallOutcome(status == null ? 200 : status, headers, result.getMessage().getBody(String.class));
    }

    /** One endpoint per platform host and path, so the console groups calls the way operators think of them. */
    private String httpEndpoint(URI target) {
        String base = target.getScheme() + "://" + target.getRawAuthority()
                + (target.getRawPath() == null ? "" : target.getRawPath());
        return base + "?throwExceptionOnFailure=false&connectTimeout=" + connectTimeoutMs + "&responseTimeout="
                + responseTimeoutMs + "&connectionRequestTimeout=" + connectTimeoutMs;
    }
}
