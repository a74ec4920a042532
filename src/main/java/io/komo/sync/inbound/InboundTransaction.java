package io.komo.sync.inbound;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.Policy;

/**
 * Runs the steps it wraps in one new JTA transaction on the route's thread, and rolls it back when they end with
 * an exception on the exchange (Camel reports failures there rather than throwing them). Our own policy, because
 * Camel's {@code transacted} needs a Spring or camel-jta transaction policy; the steps inside must be synchronous,
 * as the inbound ones are, for their database work to share the transaction.
 */
@ApplicationScoped
@Named("inboundTransaction")
public class InboundTransaction implements Policy {

    @Override
    public void beforeWrap(Route route, NamedNode definition) {
    }

    @Override
    public Processor wrap(Route route, Processor processor) {
        return exchange -> {
            try {
                QuarkusTransaction.requiringNew().call(() -> {
                    processor.process(exchange);
                    if (exchange.getException() != null) {
                        throw exchange.getException(); // rolls the transaction back
                    }
                    return null;
                });
            } catch (RuntimeException e) {
                if (exchange.getException() == null) {
                    throw e; // the commit failed
                }
            }
        };
    }
}
