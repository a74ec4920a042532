package io.komo.sync.testing;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service with its change feed relayed to a real Kafka broker. */
public class KafkaFeedProfile implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(KafkaBrokerResource.class));
    }
}
