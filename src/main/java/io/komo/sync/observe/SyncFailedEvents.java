package io.komo.sync.observe;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.errors.FailureStates;
import io.komo.sync.subscription.WebhookEventTypes;
import io.komo.sync.subscription.WebhookEvents;

/**
 * Raises {@code sync.failed} when an integration starts failing, in either direction: records dead-lettered on the
 * way out, or inbound groups given up. Once per failing spell ({@link FailureStates}), in the caller's transaction,
 * so the event and the sync log entry commit (or roll back) with the batch that failed.
 */
@ApplicationScoped
public class SyncFailedEvents {

    private static final Logger LOG = Logger.getLogger(SyncFailedEvents.class);

    @Inject
    FailureStates failures;

    @Inject
    SyncLog log;

    @Inject
    WebhookEvents webhookEvents;

    /** A batch of the integration ended: {@code failed} records were given up, {@code succeeded} went through. */
    public void batchEnded(String integrationId, int failed, int succeeded, String detail) {
        if (failed > 0 && failures.recordFailure(integrationId)) {
            LOG.warnf("sync.failed: integration %s started failing (%d records given up)", integrationId, failed);
            log.append(List.of(SyncLogEntry.error(integrationId, WebhookEventTypes.SYNC_FAILED, null, null, detail)));
            webhookEvents.raise(WebhookEventTypes.SYNC_FAILED,
                    Map.of("integrationId", integrationId, "failedRecords", failed, "detail", detail));
        } else if (failed == 0 && succeeded > 0 && failures.recordSuccess(integrationId)) {
            LOG.infof("Integration %s recovered", integrationId);
        }
    }
}
