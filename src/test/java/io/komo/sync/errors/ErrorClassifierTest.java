package io.komo.sync.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ThrottleSignal;
import io.komo.sync.errors.Classification.Kind;
import io.komo.sync.testing.MutableClock;

class ErrorClassifierTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final ErrorClassifier generic = ErrorClassifier.generic(clock);

    @Nested
    class GenericHttpRules {

        @ParameterizedTest
        @ValueSource(ints = {500, 502, 503, 504, 599, 408})
        void serverErrorsAndRequestTimeoutAreRetryable(int status) {
            assertThat(generic.classify(CallOutcome.of(status, "")))
                    .isEqualTo(Classification.retryable("HTTP " + status));
        }

        @Test
        void tooManyRequestsIsThrottledForRetryAfterSeconds() {
            Classification result = generic.classify(CallOutcome.of(429, "").withHeader("retry-after", " 7 "));

            assertThat(result).isEqualTo(Classification.throttled(Duration.ofSeconds(7), "HTTP 429"));
        }

        @Test
        void tooManyRequestsIsThrottledUntilARetryAfterDate() {
            Classification result = generic.classify(
                    CallOutcome.of(429, "").withHeader("Retry-After", "Sun, 1 Mar 2026 10:02:30 GMT"));

            assertThat(result.retryAfter()).isEqualTo(Duration.ofSeconds(150));
        }

        @Test
        void retryAfterDateInThePastMeansNoWait() {
            Classification result = generic.classify(
                    CallOutcome.of(429, "").withHeader("Retry-After", "Sun, 1 Mar 2026 09:00:00 GMT"));

            assertThat(result.retryAfter()).isZero();
        }

        @ParameterizedTest
        @ValueSource(strings = {"soon", "-5", "1.5", "99999999999999"})
        void missingOrUnreadableRetryAfterFallsBackToTheDefault(String header) {
            assertThat(generic.classify(CallOutcome.of(429, "")).retryAfter())
                    .isEqualTo(ErrorClassifier.DEFAULT_THROTTLE_WAIT);
            assertThat(generic.classify(CallOutcome.of(429, "").withHeader("Retry-After", header)).retryAfter())
                    .isEqualTo(ErrorClassifier.DEFAULT_THROTTLE_WAIT);
        }

        @Test
        void unavailableWithRetryAfterIsThrottled() {
            assertThat(generic.classify(CallOutcome.of(503, "").withHeader("Retry-After", "120")))
                    .isEqualTo(Classification.throttled(Duration.ofMinutes(2), "HTTP 503 with Retry-After"));
        }

        @Test
        void unauthorisedIsAuth() {
            assertThat(generic.classify(CallOutcome.of(401, "INVALID_SESSION_ID")).kind()).isEqualTo(Kind.AUTH);
        }

        @ParameterizedTest
        @ValueSource(ints = {400, 403, 404, 409, 413, 422, 300, 200})
        void otherStatusesArePermanent(int status) {
            assertThat(generic.classify(CallOutcome.of(status, "{}")))
                    .isEqualTo(Classification.permanent("HTTP " + status));
        }

        @Test
        void platformQuirksAreNotAppliedByTheGenericRules() {
            assertThat(generic.classify(CallOutcome.of(403, "[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]")).kind())
                    .isEqualTo(Kind.PERMANENT);
        }
    }

    @Nested
    class Exceptions {

        @Test
        void timeoutsAndConnectionFailuresAreRetryable() {
            assertThat(generic.classify(new SocketTimeoutException("Read timed out")))
                    .isEqualTo(Classification.retryable("SocketTimeoutException: Read timed out"));
            assertThat(generic.classify(new ConnectException("Connection refused")).kind()).isEqualTo(Kind.RETRYABLE);
            assertThat(generic.classify(new HttpTimeoutException("request timed out")).kind())
                    .isEqualTo(Kind.RETRYABLE);
            assertThat(generic.classify(new TimeoutException()).kind()).isEqualTo(Kind.RETRYABLE);
        }

        @Test
        void aWrappedIoFailureIsFoundInTheCauseChain() {
            RuntimeException wrapped = new IllegalStateException("route failed",
                    new UncheckedIOException(new IOException("connection reset")));

            assertThat(generic.classify(wrapped))
                    .isEqualTo(Classification.retryable("IOException: connection reset"));
        }

        @Test
        void otherExceptionsArePermanent() {
            assertThat(generic.classify(new IllegalArgumentException("no email")))
                    .isEqualTo(Classification.permanent("IllegalArgumentException: no email"));
        }
    }

    @Nested
    class PlatformSignals {

        private final ErrorClassifier classifier = new ErrorClassifier(
                List.of(PlatformThrottleSignals.SALESFORCE), Duration.ofSeconds(45), clock);

        @Test
        void salesforceRequestLimitIsThrottledAtTheDefaultWait() {
            CallOutcome response = CallOutcome.of(403,
                    "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");

            assertThat(classifier.classify(response))
                    .isEqualTo(Classification.throttled(Duration.ofSeconds(45), "platform throttled (HTTP 403)"));
        }

        @Test
        void salesforcePermissionDeniedStaysPermanent() {
            CallOutcome response = CallOutcome.of(403,
                    "[{\"message\":\"insufficient access\",\"errorCode\":\"INSUFFICIENT_ACCESS_OR_READONLY\"}]");

            assertThat(classifier.classify(response).kind()).isEqualTo(Kind.PERMANENT);
        }

        @Test
        void marketoRateAndConcurrencyErrorsAreThrottled() {
            ErrorClassifier marketo = new ErrorClassifier(List.of(PlatformThrottleSignals.MARKETO),
                    Duration.ofSeconds(20), clock);

            assertThat(marketo.classify(CallOutcome.of(200, """
                    {"requestId":"e42b#14272d07d78","success":false,
                     "errors":[{"code":"606","message":"Max rate limit '100' exceeded with in '20' secs"}]}""")))
                    .isEqualTo(Classification.throttled(Duration.ofSeconds(20), "platform throttled (HTTP 200)"));
            assertThat(marketo.classify(CallOutcome.of(200,
                    "{\"success\":false,\"errors\":[{\"code\":615,\"message\":\"Concurrent access limit reached\"}]}"))
                    .kind()).isEqualTo(Kind.THROTTLED);
        }

        @Test
        void marketoOtherErrorsAndRecordReasonsAreNotThrottling() {
            ErrorClassifier marketo = new ErrorClassifier(List.of(PlatformThrottleSignals.MARKETO),
                    Duration.ofSeconds(20), clock);

            assertThat(marketo.classify(CallOutcome.of(200,
                    "{\"success\":false,\"errors\":[{\"code\":\"609\",\"message\":\"Invalid JSON\"}]}")).kind())
                    .isEqualTo(Kind.PERMANENT);
            assertThat(marketo.classify(CallOutcome.of(200, """
                    {"success":true,"result":[{"id":50,"status":"skipped","reasons":[{"code":"606"}]}],"errors":[]}"""))
                    .kind()).isEqualTo(Kind.PERMANENT);
            assertThat(marketo.classify(CallOutcome.of(200, "{\"success\":false,\"errors\":[{\"code\":\"60")).kind())
                    .as("truncated body").isEqualTo(Kind.PERMANENT);
        }

        @Test
        void mailchimpBare403IsThrottledButItsJsonForbiddenIsNot() {
            ErrorClassifier mailchimp = new ErrorClassifier(List.of(PlatformThrottleSignals.MAILCHIMP),
                    Duration.ofSeconds(30), clock);

            assertThat(mailchimp.classify(CallOutcome.of(403, "")).kind()).isEqualTo(Kind.THROTTLED);
            assertThat(mailchimp.classify(CallOutcome.of(403, "<html>403 Forbidden</html>")).kind())
                    .isEqualTo(Kind.THROTTLED);
            assertThat(mailchimp.classify(CallOutcome.of(403,
                    "{\"title\":\"Forbidden\",\"detail\":\"Too many requests from this account\"}")).kind())
                    .isEqualTo(Kind.THROTTLED);
            assertThat(mailchimp.classify(CallOutcome.of(403, """
                    {"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"Forbidden",
                     "status":403,"detail":"The API key provided is linked to a different datacenter"}""")).kind())
                    .isEqualTo(Kind.PERMANENT);
            assertThat(mailchimp.classify(CallOutcome.of(429, "")).kind()).isEqualTo(Kind.THROTTLED);
        }

        @Test
        void hubspotSecondlyPolicyWaitsTenSecondsUnlessToldOtherwise() {
            ErrorClassifier hubspot = new ErrorClassifier(List.of(PlatformThrottleSignals.HUBSPOT),
                    Duration.ofSeconds(30), clock);
            CallOutcome secondly = CallOutcome.of(429,
                    "{\"status\":\"error\",\"message\":\"You have reached your ten_secondly_rolling limit.\","
                            + "\"errorType\":\"RATE_LIMIT\",\"policyName\":\"TEN_SECONDLY_ROLLING\"}");

            assertThat(hubspot.classify(secondly).retryAfter()).isEqualTo(Duration.ofSeconds(10));
            assertThat(hubspot.classify(secondly.withHeader("Retry-After", "3")).retryAfter())
                    .isEqualTo(Duration.ofSeconds(3));
            assertThat(hubspot.classify(CallOutcome.of(429, "{\"policyName\":\"DAILY\"}")).retryAfter())
                    .isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void aConnectorCanContributeItsOwnSignal() {
            ThrottleSignal zohoCredits = response -> response.status() == 400
                    && response.body().contains("LIMIT_EXCEEDED");
            ErrorClassifier zoho = new ErrorClassifier(List.of(zohoCredits), Duration.ofSeconds(60), clock);

            assertThat(zoho.classify(CallOutcome.of(400, "{\"code\":\"LIMIT_EXCEEDED\"}")).retryAfter())
                    .isEqualTo(Duration.ofMinutes(1));
            assertThat(zoho.classify(CallOutcome.of(400, "{\"code\":\"INVALID_DATA\"}")).kind())
                    .isEqualTo(Kind.PERMANENT);
        }
    }
}
