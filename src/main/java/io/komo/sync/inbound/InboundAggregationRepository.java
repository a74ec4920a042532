package io.komo.sync.inbound;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.processor.aggregate.AggregateProcessor;
import org.apache.camel.spi.RecoverableAggregationRepository;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;

/**
 * The persistent repository of one integration's inbound aggregator, in our PostgreSQL ({@link PendingChangeStore})
 * rather than camel-sql's, which needs Spring transactions. Only the group's {@link PendingChange} is kept, as JSON,
 * under the exchange's id; headers are not, so the aggregator's output sets what it needs itself.
 *
 * <p>Camel's protocol: {@code add} writes the open group, {@code remove} marks it completed when the aggregator
 * completes it, {@code confirm} deletes it once it was applied, and the recover task ({@code scan}/{@code recover})
 * resubmits completed groups that were never confirmed. In our routes completion, application and deletion share
 * one transaction, so a completed group is committed only if something went wrong between them; open groups left
 * by a restart are completed at the next end of batch ({@code getKeys}).
 */
public class InboundAggregationRepository implements RecoverableAggregationRepository {

    private static final Logger LOG = Logger.getLogger(InboundAggregationRepository.class);

    private final String integrationId;
    private final PendingChangeStore store;
    private boolean useRecovery = true;
    private long recoveryInterval = 5000;
    private String deadLetterUri;
    private int maximumRedeliveries;

    InboundAggregationRepository(String integrationId, PendingChangeStore store) {
        this.integrationId = integrationId;
        this.store = store;
    }

    @Override
    public Exchange add(CamelContext camelContext, String key, Exchange exchange) {
        store.save(integrationId, key, exchange.getExchangeId(), exchange.getIn().getBody(PendingChange.class));
        return null;
    }

    @Override
    public Exchange get(CamelContext camelContext, String key) {
        return store.open(integrationId, key).map(group -> exchange(camelContext, group)).orElse(null);
    }

    @Override
    public void remove(CamelContext camelContext, String key, Exchange exchange) {
        store.complete(integrationId, exchange.getExchangeId(),
                exchange.getProperty(Exchange.AGGREGATED_COMPLETED_BY, String.class));
    }

    @Override
    public void confirm(CamelContext camelContext, String exchangeId) {
        store.take(integrationId, exchangeId);
    }

    @Override
    public Set<String> getKeys() {
        return store.openKeys(integrationId);
    }

    /**
     * Camel's recover task runs on a fixed-delay schedule, which stops for good at the first exception: a failed read
     * is logged and retried at the next interval instead.
     */
    @Override
    public Set<String> scan(CamelContext camelContext) {
        try {
            return store.completedGroups(integrationId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not look for inbound groups of %s to recover; trying again later", integrationId);
            return Set.of();
        }
    }

    @Override
    public Exchange recover(CamelContext camelContext, String exchangeId) {
        try {
            return recovered(camelContext, exchangeId);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not recover the inbound group %s of %s; trying again later", exchangeId, integrationId);
            return null;
        }
    }

    private Exchange recovered(CamelContext camelContext, String exchangeId) {
        return store.completed(integrationId, exchangeId).map(group -> {
            Exchange exchange = exchange(camelContext, group);
            exchange.setProperty(Exchange.AGGREGATED_CORRELATION_KEY, group.correlationKey());
            // Camel's statistics read it from every exchange it submits, a recovered one too (and fail without it).
            exchange.setProperty(Exchange.AGGREGATED_COMPLETED_BY,
                    group.completedBy() != null ? group.completedBy() : AggregateProcessor.COMPLETED_BY_FORCE);
            return exchange;
        }).orElse(null);
    }

    private static Exchange exchange(CamelContext camelContext, PendingChangeStore.Group group) {
        Exchange exchange = new DefaultExchange(camelContext);
        exchange.setExchangeId(group.groupId());
        exchange.getIn().setBody(group.change());
        return exchange;
    }

    @Override
    public void setRecoveryInterval(long interval, TimeUnit timeUnit) {
        this.recoveryInterval = timeUnit.toMillis(interval);
    }

    @Override
    public void setRecoveryInterval(long interval) {
        this.recoveryInterval = interval;
    }

    @Override
    public long getRecoveryInterval() {
        return recoveryInterval;
    }

    @Override
    public void setUseRecovery(boolean useRecovery) {
        this.useRecovery = useRecovery;
    }

    @Override
    public boolean isUseRecovery() {
        return useRecovery;
    }

    @Override
    public void setDeadLetterUri(String deadLetterUri) {
        this.deadLetterUri = deadLetterUri;
    }

    @Override
    public String getDeadLetterUri() {
        return deadLetterUri;
    }

    @Override
    public void setMaximumRedeliveries(int maximumRedeliveries) {
        this.maximumRedeliveries = maximumRedeliveries;
    }

    @Override
    public int getMaximumRedeliveries() {
        return maximumRedeliveries;
    }
}
