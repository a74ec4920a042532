package io.komo.sync.feed;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.testing.KafkaFeedProfile;
import io.komo.sync.testing.ProductionPath;

/** With Kafka enabled, every change reaches the topic exactly once, in order per contact, against a real broker. */
@Tag(ProductionPath.TAG)
@QuarkusTest
@TestProfile(KafkaFeedProfile.class)
class KafkaChangeFeedTest {

    @Inject
    DataSource dataSource;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "komo.feed.kafka.topic")
    String topic;

    @Test
    void readinessIncludesTheBroker() {
        // Right after a start the consumers of the integrations left by earlier tests are still joining
        // their groups, and readiness is DOWN until they have; the kubelet polls it, so does this test.
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready")
                .then().log().ifValidationFails().statusCode(200));
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.data.mode", equalTo("kafka"));
    }

    @Test
    void everyChangeReachesTheTopicExactlyOnceInOrderPerContact() throws Exception {
        List<String> contacts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            contacts.add(createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("kafka" + i))));
        }
        for (int round = 1; round <= 5; round++) {
            for (String id : contacts) {
                operator().body("{\"points\": %d}".formatted(round)).patch("/api/contacts/" + id).then()
                        .statusCode(200);
            }
        }
        Map<String, List<Long>> expected = outboxSeqs(contacts);
        int expectedCount = expected.values().stream().mapToInt(List::size).sum();
        assertThat(expectedCount).isEqualTo(120);

        Map<String, List<Long>> seen = new HashMap<>();
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            Instant deadline = Instant.now().plusSeconds(60);
            int matched = 0;
            // Keep reading a little after the last expected record so a duplicate would be seen.
            Instant quietUntil = null;
            while (Instant.now().isBefore(deadline) && (quietUntil == null || Instant.now().isBefore(quietUntil))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (!expected.containsKey(record.key())) {
                        continue;
                    }
                    String eventId = header(record, CamelNames.Feed.EVENT_ID);
                    copies.merge(eventId, 1, Integer::sum);
                    seen.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(Long.parseLong(header(record, CamelNames.Feed.SEQ)));
                    matched++;
                }
                if (matched >= expectedCount && quietUntil == null) {
                    quietUntil = Instant.now().plusSeconds(2);
                }
            }
        }
        assertThat(copies.values()).as("copies of each event on the topic").allMatch(n -> n == 1);
        assertThat(copies).hasSize(expectedCount);
        assertThat(seen).isEqualTo(expected);
        assertThat(unpublished(contacts)).isZero();
        given().get("/q/metrics").then().body(org.hamcrest.Matchers.containsString("change-feed.kafka-publish"));
    }

    private KafkaConsumer<String, String> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private Map<String, List<Long>> outboxSeqs(List<String> contacts) throws Exception {
        Map<String, List<Long>> seqs = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT contact_id, seq FROM change_event WHERE contact_id = ANY (?) ORDER BY seq")) {
            read.setArray(1, c.createArrayOf("uuid", contacts.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    seqs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getLong(2));
                }
            }
        }
        return seqs;
    }

    private long unpublished(List<String> contacts) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT count(*) FROM change_event WHERE contact_id = ANY (?) AND published_at IS NULL")) {
            read.setArray(1, c.createArrayOf("uuid", contacts.stream().map(UUID::fromString).toArray()));
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
