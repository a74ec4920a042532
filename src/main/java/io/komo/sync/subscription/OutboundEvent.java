package io.komo.sync.subscription;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.komo.sync.contact.ChangeEvent;

/**
 * One event for the subscriptions. {@code id} is stable (an outbox event keeps its own), so an event
 * offered twice, as a replayed feed batch is, is enqueued once; {@code data} is JSON text.
 */
public record OutboundEvent(UUID id, String type, Instant occurredAt, String data) {

    /** A contact or Komo event of the outbox: the data is its payload (the contact after the change, or the recorded event). */
    public static OutboundEvent of(ChangeEvent event) {
        return new OutboundEvent(event.id(), event.type(), event.occurredAt(), event.payload());
    }

    /** The body subscribers receive, per Standard Webhooks: {@code {"type", "timestamp", "data"}}. */
    public String body(ObjectMapper mapper) {
        ObjectNode body = mapper.createObjectNode();
        body.put("type", type);
        body.put("timestamp", occurredAt.toString());
        try {
            body.set("data", mapper.readTree(data));
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("The data of event " + id + " is not JSON", e);
        }
    }
}
