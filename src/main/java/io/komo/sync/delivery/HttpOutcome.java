package io.komo.sync.delivery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a connector saw from a platform call that it considers failed: status, headers and (a prefix of) the body. */
public record HttpOutcome(int status, Map<String, List<String>> headers, String body) {

    public HttpOutcome {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    public static HttpOutcome of(int status, String body) {
        return new HttpOutcome(status, Map.of(), body);
    }

    public HttpOutcome withHeader(String name, String value) {
        var copy = new HashMap<>(headers);
        copy.put(name, List.of(value));
        return new HttpOutcome(status, copy, body);
    }

    /** First value of a header, matched case-insensitively as HTTP requires. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty())
                .map(entry -> entry.getValue().get(0))
                .findFirst();
    }
}
