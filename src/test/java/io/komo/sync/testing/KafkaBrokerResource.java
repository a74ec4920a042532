package io.komo.sync.testing;

import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker for the tests: the external one named by {@code KOMO_TEST_KAFKA_BOOTSTRAP}
 * (what .ci/run starts with scripts/kafka-broker.sh), else a single-node KRaft broker in this JVM.
 * Each run publishes to its own topic, so an external broker's older records never count.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String EXTERNAL_BOOTSTRAP_ENV = "KOMO_TEST_KAFKA_BOOTSTRAP";

    private KafkaClusterTestKit cluster;

    @Override
    public Map<String, String> start() {
        String bootstrap = System.getenv(EXTERNAL_BOOTSTRAP_ENV);
        if (bootstrap == null || bootstrap.isBlank()) {
            bootstrap = startInJvm();
        }
        return Map.of("kafka.bootstrap.servers", bootstrap,
                "komo.feed.mode", "kafka",
                "komo.feed.kafka.topic", "komo.contact-changes.test-" + UUID.randomUUID());
    }

    private String startInJvm() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    // A single node cannot reach the default replication factors; without these the
                    // consumer group never forms.
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("num.partitions", "3")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster.bootstrapServers();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the in-JVM Kafka broker", e);
        }
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop the in-JVM Kafka broker", e);
            }
        }
    }
}
