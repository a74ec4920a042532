package io.komo.sync.errors;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ThrottleSignal;

/**
 * Throttle signals of platforms that do not (only) answer 429 (shared/vendor-apis/README.md section 1), as their
 * connectors will declare them through {@code Connector#throttleSignals()}: here they show that the engine's
 * classifier honours such signals. When a platform's connector lands, its signal moves into that connector's package.
 */
final class PlatformThrottleSignals {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PlatformThrottleSignals() {
    }

    /**
     * Salesforce answers an exhausted API allocation with HTTP 403 and errorCode REQUEST_LIMIT_EXCEEDED, with no 429
     * and no Retry-After (vendor-apis/notes/salesforce.md, "Limits"; errorcodes.htm). Other 403s are permissions.
     */
    public static final ThrottleSignal SALESFORCE = response -> response.status() == 403
            && response.body().contains("REQUEST_LIMIT_EXCEEDED");

    private static final Set<String> MARKETO_RATE_CODES = Set.of("606", "615");

    /**
     * Marketo reports request-level failures as HTTP 200 with {@code "success":false,"errors":[{"code":"606"}]}:
     * 606 = more than 100 calls in 20 s, 615 = more than 10 concurrent calls (vendor-apis/notes/marketo.md,
     * "Response-level errors"). Only the top-level errors count; per-record reasons are not throttling.
     */
    public static final ThrottleSignal MARKETO = response -> response.status() == 200
            && marketoErrorCodes(response.body()).stream().anyMatch(MARKETO_RATE_CODES::contains);

    /**
     * Mailchimp allows 10 simultaneous connections; past that, or at very high volume, it answers 429 or a 403
     * without a JSON body, and sends no rate-limit headers (vendor-apis/notes/mailchimp.md, "Rate"). Its ordinary
     * 403s are JSON problem documents, so a 403 is throttling when its body is not JSON or says "too many".
     */
    public static final ThrottleSignal MAILCHIMP = response -> response.status() == 403
            && (!response.body().strip().startsWith("{")
                    || response.body().toLowerCase(Locale.ROOT).contains("too many"));

    /**
     * HubSpot's 429 names the exhausted policy; TEN_SECONDLY_ROLLING means its 10-second window, which HubSpot's own
     * SDK waits out when no Retry-After is sent (vendor-apis/README.md section 3, "Rate limits"; RetryDecorator.ts).
     */
    public static final ThrottleSignal HUBSPOT = new ThrottleSignal() {
        @Override
        public boolean matches(CallOutcome response) {
            return response.status() == 429 && response.body().contains("TEN_SECONDLY_ROLLING");
        }

        @Override
        public Optional<Duration> impliedWait(CallOutcome response) {
            return Optional.of(Duration.ofSeconds(10));
        }
    };

    private static Set<String> marketoErrorCodes(String body) {
        try {
            JsonNode errors = JSON.readTree(body).path("errors");
            Set<String> codes = new HashSet<>();
            errors.forEach(error -> codes.add(error.path("code").asText()));
            return codes;
        } catch (IOException | RuntimeException notJson) {
            // A truncated or non-JSON body carries no Marketo error code to act on.
            return Set.of();
        }
    }
}
