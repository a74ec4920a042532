package io.komo.sync.connector.spi;

import java.util.List;
import java.util.Map;

import io.komo.sync.delivery.HttpOutcome;

/** What the platform answered to a {@link PreparedCall}. */
public record CallOutcome(int status, Map<String, List<String>> headers, String body) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public HttpOutcome asHttpOutcome() {
        return new HttpOutcome(status, headers, body);
    }
}
