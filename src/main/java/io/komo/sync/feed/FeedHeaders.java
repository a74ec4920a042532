package io.komo.sync.feed;

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

    private FeedHeaders() {
    }
}
