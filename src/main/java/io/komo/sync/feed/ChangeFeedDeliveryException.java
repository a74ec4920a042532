package io.komo.sync.feed;

/** A consumer failed on an event; its batch is rolled back and delivered again on the next pass. */
public class ChangeFeedDeliveryException extends RuntimeException {

    public ChangeFeedDeliveryException(String consumer, long seq, Throwable cause) {
        super("Consumer " + consumer + " failed on change event " + seq, cause);
    }
}
