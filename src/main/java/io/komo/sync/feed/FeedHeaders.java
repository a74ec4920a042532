package io.komo.sync.feed;

import java.util.Map;

import io.komo.sync.contact.ChangeEvent;

/** Header names the change feed sets on the messages it delivers (in Camel and on Kafka records). */
public final class FeedHeaders {

    /** The outbox sequence number of the event. */
    public static final String SEQ = "komo-seq";
    /** The event's unique id: consumers use it to recognise a redelivery. */
    public static final String EVENT_ID = "komo-event-id";
    /** contact.created, contact.updated, contact.deleted or a Komo event type. */
    public static final String EVENT_TYPE = "komo-event-type";
    /** The contact the event is about; also the Kafka record key. */
    public static final String CONTACT_ID = "komo-contact-id";
    /** Comma-separated names of the fields the change touched. */
    public static final String CHANGED_FIELDS = "komo-changed-fields";
    /** When the change was made (ISO-8601); a Kafka record's own timestamp is when it was relayed. */
    public static final String OCCURRED_AT = "komo-occurred-at";

    /** 1 for the first delivery of a batch, then 2, 3, ... while it keeps failing. */
    public static final String ATTEMPT = "komo-attempt";
    /** The feed consumer the batch is delivered to. */
    public static final String CONSUMER = "komo-consumer";

    /** The headers that describe one event (Kafka record headers). */
    public static Map<String, Object> of(ChangeEvent event) {
        // Strings throughout: Kafka headers are bytes, and text is what every consumer can read.
        return Map.of(FeedHeaders.SEQ, Long.toString(event.seq()), FeedHeaders.EVENT_ID, event.id().toString(),
                FeedHeaders.EVENT_TYPE, event.type(), FeedHeaders.CONTACT_ID, event.contactId().toString(),
                FeedHeaders.CHANGED_FIELDS, String.join(",", event.changedFields()),
                FeedHeaders.OCCURRED_AT, event.occurredAt().toString());
    }

    private FeedHeaders() {
    }
}
