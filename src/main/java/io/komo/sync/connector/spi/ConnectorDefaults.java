package io.komo.sync.connector.spi;

/**
 * @param batchSize         most records one upsert call may carry (HubSpot 100, Salesforce collections 200, ...)
 * @param requestsPerWindow default rate limit: requests ...
 * @param windowSeconds     ... per this many seconds
 * @param dailyQuota        requests per day, null when the platform has none
 * @param keyField          the external field records are matched on (usually the email)
 */
public record ConnectorDefaults(int batchSize, int requestsPerWindow, int windowSeconds, Long dailyQuota,
        String keyField) {
}
