package io.komo.sync.connector.webhook;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The authentication headers of a call to a custom endpoint, from the integration's {@code auth.type}
 * and its decrypted credential:
 * <ul>
 *   <li>{@code bearer}: {@code token} → {@code Authorization: Bearer <token>};</li>
 *   <li>{@code basic}: {@code username}, {@code password} → {@code Authorization: Basic ...};</li>
 *   <li>{@code api-key}: {@code key} in the header named by {@code header} (default {@code X-API-Key});</li>
 *   <li>{@code headers}: every entry of the credential is sent as a header;</li>
 *   <li>{@code none} (or no auth block): nothing.</li>
 * </ul>
 */
final class AuthHeaders {

    static final String DEFAULT_API_KEY_HEADER = "X-API-Key";

    private AuthHeaders() {
    }

    static Map<String, String> of(String authType, Map<String, String> credential) {
        String type = authType == null ? "none" : authType.toLowerCase(Locale.ROOT);
        Map<String, String> secrets = credential == null ? Map.of() : credential;
        Map<String, String> headers = new LinkedHashMap<>();
        switch (type) {
            case "none" -> {
            }
            case "bearer" -> headers.put("Authorization", "Bearer " + required(secrets, type, "token"));
            case "basic" -> {
                String pair = required(secrets, type, "username") + ":" + required(secrets, type, "password");
                headers.put("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            }
            case "api-key" -> headers.put(secrets.getOrDefault("header", DEFAULT_API_KEY_HEADER),
                    required(secrets, type, "key"));
            case "headers" -> headers.putAll(secrets);
            default -> throw new IllegalArgumentException("auth.type '" + authType
                    + "' is not supported by the webhook platform (bearer, basic, api-key, headers, none)");
        }
        return headers;
    }

    /** Names the missing key, never a value. */
    private static String required(Map<String, String> secrets, String type, String key) {
        String value = secrets.get(key);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("the " + type + " credential has no '" + key + "'");
        }
        return value;
    }
}
