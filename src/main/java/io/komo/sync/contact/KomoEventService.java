package io.komo.sync.contact;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;

/**
 * Records Komo events and their effect on the contact: points add up, a tier change sets the tier, and
 * every event counts as activity. The event and the contact change each get an outbox row, so webhook
 * subscribers see {@code points.awarded} while integrations see the changed fields.
 */
@ApplicationScoped
public class KomoEventService {

    @Inject
    Outbox outbox;

    @Inject
    ContactService contacts;

    @Inject
    ObjectMapper mapper;

    /** What the API answers for a recorded event. */
    public record Recorded(UUID id, String type, UUID contactId, Instant occurredAt, Map<String, Object> data,
            ContactView contact) {
    }

    @Transactional
    public Recorded record(JsonNode body) {
        Request request = read(body);
        outbox.lockWrites();
        Contact contact = ContactService.live(request.contactId());
        Instant now = ContactService.now();
        List<String> changed = new ArrayList<>();
        switch (request.type()) {
            case POINTS_AWARDED -> {
                contact.points = Math.max(0, contact.points + request.data().get("points").asLong());
                changed.add("points");
            }
            case TIER_CHANGED -> {
                String tier = request.data().get("tier").asText();
                if (!tier.equals(contact.tier)) {
                    contact.tier = tier;
                    changed.add("tier");
                }
            }
            case FORM_SUBMITTED, COMPETITION_ENTERED -> {
            }
        }
        if (contact.lastActivityAt == null || request.occurredAt().isAfter(contact.lastActivityAt)) {
            contact.lastActivityAt = request.occurredAt();
            changed.add("lastActivityAt");
        }
        KomoEvent event = new KomoEvent();
        event.id = UUID.randomUUID();
        event.type = request.type().value();
        event.contactId = contact.id;
        event.data = mapper.convertValue(request.data(), LinkedHashMap.class);
        event.occurredAt = request.occurredAt();
        event.receivedAt = now;
        event.persist();

        List<ChangeEvent.Draft> drafts = new ArrayList<>();
        Recorded recorded = new Recorded(event.id, event.type, contact.id, event.occurredAt, event.data,
                ContactView.of(contact));
        drafts.add(new ChangeEvent.Draft(event.id, event.type, contact.id, changed, recorded, now));
        if (!changed.isEmpty()) {
            contacts.touch(contact, changed, now, drafts);
        }
        outbox.append(drafts);
        return new Recorded(event.id, event.type, contact.id, event.occurredAt, event.data, ContactView.of(contact));
    }

    private record Request(KomoEventType type, UUID contactId, Instant occurredAt, JsonNode data) {
    }

    private static Request read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("", "an event must be a JSON object");
        }
        List<FieldError> errors = new ArrayList<>();
        body.fieldNames().forEachRemaining(name -> {
            if (!List.of("type", "contactId", "occurredAt", "data").contains(name)) {
                errors.add(new FieldError(name, "unknown field"));
            }
        });
        KomoEventType type = KomoEventType.parse(body.path("type").asText(null)).orElse(null);
        if (type == null) {
            errors.add(new FieldError("type",
                    "must be one of points.awarded, tier.changed, form.submitted, competition.entered"));
        }
        UUID contactId = null;
        try {
            contactId = UUID.fromString(body.path("contactId").asText(""));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("contactId", "must be the id of a contact"));
        }
        Instant occurredAt = Instant.now();
        if (body.hasNonNull("occurredAt")) {
            try {
                occurredAt = Instant.parse(body.get("occurredAt").asText());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError("occurredAt", "must be an ISO-8601 UTC timestamp"));
            }
        }
        JsonNode data = body.has("data") ? body.get("data") : JsonNodeFactory.instance.objectNode();
        if (!data.isObject()) {
            errors.add(new FieldError("data", "must be an object"));
        } else if (type == KomoEventType.POINTS_AWARDED
                && (!data.path("points").isIntegralNumber() || !data.path("points").canConvertToLong())) {
            errors.add(new FieldError("data.points", "must be a whole number"));
        } else if (type == KomoEventType.TIER_CHANGED
                && (!data.path("tier").isTextual() || data.path("tier").asText().isBlank())) {
            errors.add(new FieldError("data.tier", "must be a non-empty string"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Request(type, contactId, occurredAt, data);
    }
}
