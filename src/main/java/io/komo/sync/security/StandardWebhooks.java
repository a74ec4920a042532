package io.komo.sync.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.komo.sync.connector.spi.WebhookVerdict;

/**
 * Signs and verifies requests per the Standard Webhooks specification (standardwebhooks.com): headers
 * {@code webhook-id}, {@code webhook-timestamp} (epoch seconds) and {@code webhook-signature}
 * ({@code v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>}, several space-separated
 * entries allowed so a secret can be rotated), with a secret written {@code whsec_<base64 key>}.
 *
 * <p>The one implementation of the scheme: the generic webhook connector signs outbound calls and
 * verifies inbound ones with it, and Komo's outbound event subscriptions sign with it too.
 */
public final class StandardWebhooks {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    /** How far a timestamp may be from now, either way; the specification's recommended tolerance. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final String SECRET_PREFIX = "whsec_";
    private static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";

    private final SecretKeySpec key;

    private StandardWebhooks(byte[] key) {
        this.key = new SecretKeySpec(key, HMAC);
    }

    /**
     * @param secret {@code whsec_<base64>}; like the reference libraries, the prefix may be left out
     * @throws IllegalArgumentException when the secret is empty or not base64 (the message never holds it)
     */
    public static StandardWebhooks fromSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded.strip());
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the signing secret is not whsec_ followed by base64");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        return new StandardWebhooks(key);
    }

    /** A new secret of 32 random bytes, for subscriptions that do not bring their own. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** A unique message id; receivers use it to drop redeliveries. */
    public static String newMessageId() {
        return "msg_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** {@code v1,<base64 signature>} of one message. */
    public String signature(String messageId, long timestampSeconds, String body) {
        return signature(messageId, Long.toString(timestampSeconds), body);
    }

    /** Signs the timestamp as it was written, so a receiver checks exactly what the sender signed. */
    private String signature(String messageId, String timestamp, String body) {
        return VERSION + "," + Base64.getEncoder().encodeToString(hmac(messageId + "." + timestamp + "." + body));
    }

    /** The three headers to send with {@code body}, under a fresh message id. */
    public Map<String, String> signedHeaders(Instant now, String body) {
        return signedHeaders(newMessageId(), now.getEpochSecond(), body);
    }

    public Map<String, String> signedHeaders(String messageId, long timestampSeconds, String body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID_HEADER, messageId);
        headers.put(TIMESTAMP_HEADER, Long.toString(timestampSeconds));
        headers.put(SIGNATURE_HEADER, signature(messageId, timestampSeconds, body));
        return headers;
    }

    /**
     * Checks a received message. {@code header} looks a header up by its lower-case name (null when
     * absent). Any one matching {@code v1} signature is enough; signatures are compared in constant time.
     */
    public WebhookVerdict verify(Function<String, String> header, String body, Instant now) {
        String id = header.apply(ID_HEADER);
        String timestamp = header.apply(TIMESTAMP_HEADER);
        String signatures = header.apply(SIGNATURE_HEADER);
        if (id == null || id.isBlank()) {
            return WebhookVerdict.rejected("missing " + ID_HEADER + " header");
        }
        if (timestamp == null || timestamp.isBlank()) {
            return WebhookVerdict.rejected("missing " + TIMESTAMP_HEADER + " header");
        }
        if (signatures == null || signatures.isBlank()) {
            return WebhookVerdict.rejected("missing " + SIGNATURE_HEADER + " header");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return WebhookVerdict.rejected("invalid " + TIMESTAMP_HEADER + " header (not epoch seconds)");
        }
        long skew = seconds - now.getEpochSecond();
        if (skew < -TOLERANCE.toSeconds()) {
            return WebhookVerdict.rejected("stale timestamp");
        }
        if (skew > TOLERANCE.toSeconds()) {
            return WebhookVerdict.rejected("timestamp too far in the future");
        }
        byte[] expected = signature(id, timestamp.strip(), body == null ? "" : body)
                .getBytes(StandardCharsets.US_ASCII);
        boolean matched = false;
        for (String candidate : signatures.strip().split("\\s+")) {
            // No early exit: every candidate is compared, so timing says nothing about which one matched.
            matched |= MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII));
        }
        return matched ? WebhookVerdict.accepted() : WebhookVerdict.rejected("signature mismatch");
    }

    private byte[] hmac(String content) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac.doFinal(content.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable in this JVM", e);
        }
    }
}
