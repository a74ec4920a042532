package io.komo.sync.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class WebhookEventsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant SUBSCRIBED = Instant.parse("2026-11-28T03:00:00Z");

    private static OutboundEvent event(String type, Instant at) {
        return new OutboundEvent(UUID.randomUUID(), type, at, "{\"email\":\"ann@example.com\"}");
    }

    @Test
    void theBodyIsTypeTimestampAndData() throws Exception {
        OutboundEvent event = event("contact.created", SUBSCRIBED);
        JsonNode body = MAPPER.readTree(event.body(MAPPER));
        assertThat(body.get("type").asText()).isEqualTo("contact.created");
        assertThat(body.get("timestamp").asText()).isEqualTo("2026-11-28T03:00:00Z");
        assertThat(body.get("data").get("email").asText()).isEqualTo("ann@example.com");
        assertThatThrownBy(() -> new OutboundEvent(UUID.randomUUID(), "x", SUBSCRIBED, "{not json").body(MAPPER))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void eachSubscriptionGetsTheTypesItAskedForSinceItWasMade() {
        var contacts = new WebhookSubscriptionStore.Subscriber(UUID.randomUUID(),
                Set.of("contact.created", "contact.updated"), SUBSCRIBED);
        var failures = new WebhookSubscriptionStore.Subscriber(UUID.randomUUID(), Set.of("sync.failed"), SUBSCRIBED);
        OutboundEvent created = event("contact.created", SUBSCRIBED.plusSeconds(1));
        OutboundEvent before = event("contact.updated", SUBSCRIBED.minusSeconds(1));
        OutboundEvent failed = event("sync.failed", SUBSCRIBED.plusSeconds(2));
        OutboundEvent deleted = event("contact.deleted", SUBSCRIBED.plusSeconds(3));

        List<WebhookDeliveryStore.Pending> pending = WebhookEvents.deliveriesFor(
                List.of(created, before, failed, deleted),
                List.of(contacts, failures), MAPPER, SUBSCRIBED.plusSeconds(5));

        assertThat(pending)
                .extracting(WebhookDeliveryStore.Pending::subscriptionId, WebhookDeliveryStore.Pending::eventType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(contacts.id(), "contact.created"),
                        org.assertj.core.groups.Tuple.tuple(failures.id(), "sync.failed"));
        assertThat(pending.get(0).id()).isEqualTo(WebhookEvents.deliveryId(contacts.id(), created.id()));
        assertThat(pending.get(0).at()).isEqualTo(SUBSCRIBED.plusSeconds(5));
    }

    @Test
    void anEventOfferedTwiceHasOneDeliveryIdPerSubscription() {
        UUID subscription = UUID.randomUUID();
        UUID event = UUID.randomUUID();
        assertThat(WebhookEvents.deliveryId(subscription, event))
                .isEqualTo(WebhookEvents.deliveryId(subscription, event));
        assertThat(WebhookEvents.deliveryId(subscription, event))
                .isNotEqualTo(WebhookEvents.deliveryId(UUID.randomUUID(), event));
    }

    @Test
    void theTypesAreThoseOfTheApi() {
        assertThat(WebhookEventTypes.ALL).containsExactly("contact.created", "contact.updated", "contact.deleted",
                "points.awarded", "tier.changed", "form.submitted", "competition.entered", "sync.completed",
                "sync.failed");
    }
}
