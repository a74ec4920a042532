package io.komo.sync.subscription;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.OutboundAddressGuard;

/** The body of {@code POST /api/webhook-subscriptions}: {@code {"url": "https://...", "events": ["contact.created", ...]}}. */
public record WebhookSubscriptionRequest(String url, List<String> events) {

    private static final Set<String> FIELDS = Set.of("url", "events");

    /** Reads and checks the body; every problem is named in one 400, the SSRF guard's among them. */
    public static WebhookSubscriptionRequest read(JsonNode body, OutboundAddressGuard guard) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("", "a subscription must be a JSON object with url and events");
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add(new FieldError(name, "unknown field"));
            }
        });
        JsonNode url = body.get("url");
        if (url == null || url.isNull()) {
            errors.add(new FieldError("url", "is required"));
        } else if (!url.isTextual()) {
            errors.add(new FieldError("url", "must be a string"));
        } else {
            guard.refusal(url.asText()).ifPresent(reason -> errors.add(new FieldError("url", reason)));
        }
        Set<String> events = new LinkedHashSet<>();
        JsonNode list = body.get("events");
        if (list == null || list.isNull()) {
            errors.add(new FieldError("events",
                    "is required: one or more of " + String.join(", ", WebhookEventTypes.ALL)));
        } else if (!list.isArray() || list.isEmpty()) {
            errors.add(new FieldError("events", "must be a non-empty array of event types"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                JsonNode type = list.get(i);
                if (!type.isTextual() || !WebhookEventTypes.ALL.contains(type.asText())) {
                    errors.add(new FieldError("events[" + i + "]",
                            "must be one of " + String.join(", ", WebhookEventTypes.ALL)));
                } else {
                    events.add(type.asText());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new WebhookSubscriptionRequest(url.asText().strip(), List.copyOf(events));
    }
}
