package io.komo.sync.connector.spi;

import java.util.Map;

/**
 * A call for the engine to send. {@code uri} is a full URL for HTTP platforms (the engine turns it into
 * a Camel http endpoint) or a Camel endpoint URI for component-based platforms ({@code salesforce:...}).
 */
public record PreparedCall(String method, String uri, Map<String, String> headers, String body) {
}
