package io.komo.sync.feed;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;
import org.apache.camel.builder.RouteBuilder;

import io.komo.sync.contact.ChangeEvent;

/** A consumer of the embedded feed for tests: records what it receives and can be told to fail. */
// A singleton, not a proxied bean: the tests read its fields directly.
@Singleton
public class FeedProbe extends RouteBuilder {

    public static final String ENDPOINT = "direct:test.feed-probe";

    final List<ChangeEvent> received = new CopyOnWriteArrayList<>();
    final AtomicInteger failuresToInject = new AtomicInteger();

    @Override
    public void configure() {
        from(ENDPOINT).routeId("test.feed-probe").bean(this, "receive");
    }

    public void receive(List<ChangeEvent> batch) {
        if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected failure on the batch at seq " + batch.get(0).seq());
        }
        received.addAll(batch);
    }
}
