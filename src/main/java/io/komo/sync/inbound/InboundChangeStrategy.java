package io.komo.sync.inbound;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * The aggregation strategy of the inbound conflict aggregator: folds each new change of a contact into the
 * group's pending change ({@link PendingChange#then}). It returns the group's first exchange, so the group keeps
 * one id from its first change to its confirmation, which the recoverable repository stores and confirms by.
 */
@ApplicationScoped
@Named("inboundChanges")
public class InboundChangeStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange group, Exchange change) {
        if (group == null) {
            return change;
        }
        PendingChange pending = group.getIn().getBody(PendingChange.class);
        group.getIn().setBody(pending.then(change.getIn().getBody(PendingChange.class)));
        return group;
    }
}
