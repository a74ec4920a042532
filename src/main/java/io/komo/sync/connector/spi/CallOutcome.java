package io.komo.sync.connector.spi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the platform answered to a {@link PreparedCall}: status, headers and (a prefix of) the body. */
public record CallOutcome(int status, Map<String, List<String>> headers, String body) {

    public CallOutcome {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    public static CallOutcome of(int status, String body) {
        return new CallOutcome(status, Map.of(), body);
    }

    public CallOutcome withHeader(String name, String value) {
        var copy = new HashMap<>(headers);
        copy.put(name, List.of(value));
        return new CallOutcome(status, copy, body);
    }

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The generic HTTP rule for a failed call: 408, 429 and 5xx may succeed when repeated, any other status will not. */
    public boolean isTransientFailure() {
        return status == 408 || status == 429 || status >= 500;
    }

    /** First value of a header, matched case-insensitively as HTTP requires. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(entry -> entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty())
                .map(entry -> entry.getValue().get(0))
                .findFirst();
    }
}
