package io.komo.sync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.WebhookVerdict;

class StandardWebhooksTest {

    // The example of the Standard Webhooks specification; the expected value was also computed with
    // `openssl dgst -sha256 -mac HMAC` from the base64-decoded key.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330L;
    private static final String BODY = "{\"test\": 2432232314}";
    private static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant NOW = Instant.ofEpochSecond(TIMESTAMP);

    private final StandardWebhooks signer = StandardWebhooks.fromSecret(SECRET);

    @Test
    void signsThePublishedExample() {
        assertThat(signer.signature(ID, TIMESTAMP, BODY)).isEqualTo(EXPECTED);
    }

    @Test
    void signatureMatchesAPlainJcaComputation() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "HmacSHA256"));
        String independent = "v1," + Base64.getEncoder().encodeToString(
                mac.doFinal(("msg_1.42.{\"é\":1}").getBytes(StandardCharsets.UTF_8)));
        assertThat(signer.signature("msg_1", 42, "{\"é\":1}")).isEqualTo(independent);
    }

    @Test
    void signedHeadersVerify() {
        Map<String, String> headers = signer.signedHeaders(NOW, BODY);
        assertThat(headers).containsKeys("webhook-id", "webhook-timestamp", "webhook-signature");
        assertThat(headers.get("webhook-timestamp")).isEqualTo(Long.toString(TIMESTAMP));
        assertThat(signer.verify(headers::get, BODY, NOW).valid()).isTrue();
        assertThat(signer.signedHeaders(NOW, BODY).get("webhook-id")).isNotEqualTo(headers.get("webhook-id"));
    }

    @Test
    void acceptsThePublishedExample() {
        assertThat(verify(EXPECTED, BODY, NOW)).isEqualTo(WebhookVerdict.accepted());
    }

    @Test
    void rejectsATamperedBody() {
        assertThat(verify(EXPECTED, "{\"test\": 2432232315}", NOW).reason()).isEqualTo("signature mismatch");
    }

    @Test
    void rejectsAnotherSecret() {
        StandardWebhooks other = StandardWebhooks.fromSecret(StandardWebhooks.newSecret());
        WebhookVerdict verdict = other.verify(headers(EXPECTED)::get, BODY, NOW);
        assertThat(verdict.valid()).isFalse();
        assertThat(verdict.reason()).isEqualTo("signature mismatch").doesNotContain(SECRET);
    }

    @Test
    void rejectsStaleAndFutureTimestampsOutsideFiveMinutes() {
        assertThat(verify(EXPECTED, BODY, NOW.plusSeconds(300)).valid()).isTrue();
        assertThat(verify(EXPECTED, BODY, NOW.plusSeconds(301)).reason()).isEqualTo("stale timestamp");
        assertThat(verify(EXPECTED, BODY, NOW.minusSeconds(300)).valid()).isTrue();
        assertThat(verify(EXPECTED, BODY, NOW.minusSeconds(301)).reason()).isEqualTo("timestamp too far in the future");
    }

    @Test
    void namesTheMissingHeader() {
        for (String name : new String[]{"webhook-id", "webhook-timestamp", "webhook-signature"}) {
            Map<String, String> headers = headers(EXPECTED);
            headers.remove(name);
            assertThat(signer.verify(headers::get, BODY, NOW).reason()).isEqualTo("missing " + name + " header");
        }
        Map<String, String> badTimestamp = headers(EXPECTED);
        badTimestamp.put("webhook-timestamp", "yesterday");
        assertThat(signer.verify(badTimestamp::get, BODY, NOW).reason()).startsWith("invalid webhook-timestamp");
    }

    @Test
    void anyOneOfSeveralSignaturesIsEnough() {
        assertThat(verify("v1,bm90IGl0 " + EXPECTED + " v2,whatever", BODY, NOW).valid()).isTrue();
        assertThat(verify("v1,bm90IGl0 v1,YWxzbyBub3Q=", BODY, NOW).valid()).isFalse();
    }

    @Test
    void refusesMalformedSecretsWithoutEchoingThem() {
        assertThatThrownBy(() -> StandardWebhooks.fromSecret("whsec_not*base64!"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("not*base64");
        assertThatThrownBy(() -> StandardWebhooks.fromSecret("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StandardWebhooks.newSecret()).startsWith("whsec_");
    }

    private WebhookVerdict verify(String signature, String body, Instant now) {
        return signer.verify(headers(signature)::get, body, now);
    }

    private static Map<String, String> headers(String signature) {
        Map<String, String> headers = new HashMap<>();
        headers.put("webhook-id", ID);
        headers.put("webhook-timestamp", Long.toString(TIMESTAMP));
        headers.put("webhook-signature", signature);
        return headers;
    }
}
