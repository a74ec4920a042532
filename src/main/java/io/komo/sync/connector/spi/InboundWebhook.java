package io.komo.sync.connector.spi;

import java.util.List;
import java.util.Map;

/** An inbound webhook request as received: headers (lower-case names), raw body, method and path with query. */
public record InboundWebhook(String method, String pathWithQuery, Map<String, List<String>> headers, String body) {

    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
