package io.komo.sync.camel;

/**
 * The names by which the Java code, the YAML route templates in {@code routes/} and the management console refer to
 * the same routes, endpoints and message headers. Every route of an integration has the id
 * {@code <integration-id>.<stage>}; a route in {@code routes/integrations/} with such an id overrides the template's.
 */
public final class CamelNames {

    /** Stages of an integration: each is a route {@code <integration-id>.<stage>}. */
    public static final String FEED = "feed";
    public static final String OUTBOUND = "outbound";
    public static final String INBOUND_WEBHOOK = "inbound-webhook";
    public static final String INBOUND_PROCESS = "inbound-process";
    public static final String INBOUND_AGGREGATE = "inbound-aggregate";
    public static final String SCHEDULE = "schedule";
    public static final String DEAD_LETTER = "dead-letter";

    /** Route templates in {@code routes/templates/}, by the stage they make. */
    public static final String OUTBOUND_TEMPLATE = "komo-outbound";
    public static final String INBOUND_WEBHOOK_TEMPLATE = "komo-inbound-webhook";
    public static final String INBOUND_PROCESS_TEMPLATE = "komo-inbound-process";
    public static final String INBOUND_AGGREGATE_TEMPLATE = "komo-inbound-aggregate";
    public static final String SCHEDULE_TEMPLATE = "komo-schedule";
    public static final String DEAD_LETTER_TEMPLATE = "komo-dead-letter";
    public static final String EMBEDDED_FEED_TEMPLATE = "komo-embedded-feed";
    public static final String KAFKA_FEED_TEMPLATE = "komo-kafka-feed";

    /** The integration a message belongs to. */
    public static final String INTEGRATION = "komo-integration-id";
    /** Set by the inbound claim: whether it took a full batch, so more may be waiting (a Boolean). */
    public static final String INBOUND_MORE = "komo-inbound-more";
    /** Exchange property: the claim's {@code InboundBatch}, which collects the groups the aggregator completes. */
    public static final String INBOUND_BATCH = "komo-inbound-batch";
    /** A backfill batch planned ahead by the read-ahead thread (an {@code OutboundPlan}). */
    public static final String PLANNED_AHEAD = "komo-planned-ahead";

    /** Headers the change feed sets on the messages it delivers (in Camel and on Kafka records). */
    public static final class Feed {
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

        private Feed() {
        }
    }

    /** {@code <integration-id>.<stage>}. */
    public static String routeId(String integrationId, String stage) {
        return integrationId + "." + stage;
    }

    /** The endpoint the change feed, runs, test syncs and replays send an integration's outbound batches to. */
    public static String outboundEndpoint(String integrationId) {
        return "direct:" + routeId(integrationId, OUTBOUND);
    }

    /** The endpoint the stages send an integration's dead letters to. */
    public static String deadLetterEndpoint(String integrationId) {
        return "direct:" + routeId(integrationId, DEAD_LETTER);
    }

    private CamelNames() {
    }
}
