package io.komo.sync.connector.spi;

import java.util.Map;

/**
 * What a connector knows of the integration it serves: where the platform is, how to authenticate, the platform
 * options of the definition, and the decrypted secrets of its credentials (never logged; only ever put into calls).
 *
 * @param authType      the definition's {@code auth.type} ({@code bearer}, {@code basic}, {@code api-key}, ...), or null
 * @param batchSize     the definition's batch size, null for the connector's default
 * @param options       the definition's platform options, checked against {@link Connector#options()}
 * @param credential    secrets of {@code auth.credential}; empty when none is named or stored
 * @param webhookSecret secrets of {@code auth.secretCredential} (signing secrets); empty when none
 */
public record ConnectorContext(String integrationId, Endpoint endpoint, String authType, Integer batchSize,
        Map<String, Object> options, Map<String, String> credential, Map<String, String> webhookSecret) {

    public ConnectorContext {
        options = options == null ? Map.of() : options;
        credential = credential == null ? Map.of() : credential;
        webhookSecret = webhookSecret == null ? Map.of() : webhookSecret;
    }

    /** The definition's {@code endpoint}: the platform's (or a sandbox's, a proxy's, a fake's) base URL and call shape. */
    public record Endpoint(String baseUrl, String path, String method, Map<String, String> headers, String template) {
    }
}
