package io.komo.sync.connector.spi;

/** One record's outcome in a batch call: the platform's id on success, the platform's reason otherwise. */
public record RecordResult(boolean success, String externalId, boolean created, String error, boolean retryable) {

    public static RecordResult ok(String externalId, boolean created) {
        return new RecordResult(true, externalId, created, null, false);
    }

    public static RecordResult failed(String error, boolean retryable) {
        return new RecordResult(false, null, false, error, retryable);
    }
}
