package io.komo.sync.subscription;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.interceptor.Interceptor;
import jakarta.transaction.Transactional;
import org.apache.camel.Body;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.feed.ChangeFeed;
import io.komo.sync.feed.EmbeddedChangeFeed;

/**
 * Turns events into pending deliveries, one per subscription that wants the event, in the transaction
 * that raised it: the sync events in the transaction that records the run or the failure, the contact
 * and Komo events in the transaction that moves this consumer's position on the change feed (they are
 * in the outbox already, written with the change). Nothing is sent here; the dispatcher sends.
 */
@ApplicationScoped
@Named("webhookEvents")
public class WebhookEvents {

    /** This consumer of the change feed, its route and the endpoint its batches go to. */
    static final String FEED_CONSUMER = "webhook-subscriptions";
    static final String FEED_ROUTE = "webhook-subscriptions.feed";
    static final String FAN_OUT = "direct:webhook-subscriptions.fan-out";

    @Inject
    WebhookSubscriptionStore subscriptions;

    @Inject
    WebhookDeliveryStore deliveries;

    @Inject
    ChangeFeed feed;

    @Inject
    ObjectMapper mapper;

    /** Takes Komo's changes from now on (a restart resumes at this consumer's position). */
    void subscribeToFeed(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) StartupEvent start) {
        // block=false: before the fan-out route runs, the feed fails fast and offers the batch again.
        feed.subscribe(new EmbeddedChangeFeed.Subscription(FEED_CONSUMER, FAN_OUT + "?block=false", false, FEED_ROUTE));
    }

    /** A batch of the change feed; called by the route webhook-subscriptions.fan-out. */
    @Transactional
    public void fanOut(@Body List<ChangeEvent> events) {
        enqueue(events.stream().map(OutboundEvent::of).toList());
    }

    /** Raises one of the events the engine itself produces ({@link WebhookEventTypes#SYNC_COMPLETED}, ...). */
    @Transactional
    public void raise(String type, Object data) {
        try {
            enqueue(List
                    .of(new OutboundEvent(UUID.randomUUID(), type, Instant.now(), mapper.writeValueAsString(data))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The data of a " + type + " event cannot be written as JSON", e);
        }
    }

    private void enqueue(List<OutboundEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        Set<String> types = events.stream().map(OutboundEvent::type).collect(Collectors.toSet());
        List<WebhookSubscriptionStore.Subscriber> subscribers = subscriptions.subscribersOf(types);
        if (!subscribers.isEmpty()) {
            deliveries.enqueue(deliveriesFor(events, subscribers, mapper, Instant.now()));
        }
    }

    /**
     * One delivery per event and subscription that asked for its type; a subscription gets only events that
     * happened since it was made, not the older ones a feed that lags behind still carries.
     */
    static List<WebhookDeliveryStore.Pending> deliveriesFor(List<OutboundEvent> events,
            List<WebhookSubscriptionStore.Subscriber> subscribers, ObjectMapper mapper, Instant now) {
        List<WebhookDeliveryStore.Pending> pending = new ArrayList<>();
        for (OutboundEvent event : events) {
            String body = null;
            for (WebhookSubscriptionStore.Subscriber subscriber : subscribers) {
                if (subscriber.events().contains(event.type())
                        && !event.occurredAt().isBefore(subscriber.createdAt())) {
                    body = body == null ? event.body(mapper) : body;
                    pending.add(
                            new WebhookDeliveryStore.Pending(deliveryId(subscriber.id(), event.id()), subscriber.id(),
                                    event.type(), body, now));
                }
            }
        }
        return pending;
    }

    /** Derived, not random: an event offered again (a replayed feed batch) finds its delivery already written. */
    static UUID deliveryId(UUID subscriptionId, UUID eventId) {
        return UUID.nameUUIDFromBytes((subscriptionId + "/" + eventId).getBytes(StandardCharsets.UTF_8));
    }
}
