package io.komo.sync.feed;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.komo.sync.contact.ChangeEvent;

@QuarkusTest
class EmbeddedChangeFeedTest {

    @Inject
    EmbeddedChangeFeed feed;

    @Inject
    FeedProbe probe;

    @Inject
    DataSource dataSource;

    private final String consumer = "test-probe-" + UUID.randomUUID();

    @AfterEach
    void unsubscribe() {
        feed.unsubscribe(consumer);
        probe.failuresToInject.set(0);
        probe.received.clear();
    }

    @Test
    void everyChangeReachesTheConsumerOnceInOrderAndTheCursorFollows() throws Exception {
        feed.subscribe(new EmbeddedChangeFeed.Subscription(consumer, FeedProbe.ENDPOINT, false, consumer + ".feed"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("feed" + i))));
        }
        for (int round = 0; round < 3; round++) {
            for (String id : ids) {
                operator().body("{\"points\": %d}".formatted(round + 1)).patch("/api/contacts/" + id).then()
                        .statusCode(200);
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> eventsFor(ids).size() == 40);
        Map<UUID, List<ChangeEvent>> byContact = eventsFor(ids).stream()
                .collect(Collectors.groupingBy(ChangeEvent::contactId));
        byContact.values().forEach(events -> {
            assertThat(events).extracting(ChangeEvent::type)
                    .containsExactly("contact.created", "contact.updated", "contact.updated", "contact.updated");
            assertThat(events).extracting(ChangeEvent::seq).isSorted();
            assertThat(io.restassured.path.json.JsonPath.from(events.get(3).payload()).getInt("points")).isEqualTo(3);
        });
        assertThat(probe.received).extracting(ChangeEvent::seq).doesNotHaveDuplicates().isSorted();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> cursor() == probe.received.get(probe.received.size() - 1).seq());
    }

    @Test
    void aFailingConsumerGetsTheSameEventsAgainAndNothingIsLost() throws Exception {
        feed.subscribe(new EmbeddedChangeFeed.Subscription(consumer, FeedProbe.ENDPOINT, false, consumer + ".feed"));
        assertThat(cursorExists()).as("the cursor exists once subscribe returns").isTrue();
        long before = cursor();
        probe.failuresToInject.set(3);
        String id = createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("retry")));

        await().atMost(Duration.ofSeconds(20)).until(() -> eventsFor(List.of(id)).size() == 1);
        assertThat(probe.failuresToInject.get()).isZero();
        assertThat(cursor()).isGreaterThan(before);
    }

    private List<ChangeEvent> eventsFor(List<String> ids) {
        return probe.received.stream().filter(e -> ids.contains(e.contactId().toString())).toList();
    }

    private boolean cursorExists() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement("SELECT 1 FROM sync_cursor WHERE consumer = ?")) {
            read.setString(1, consumer);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next();
            }
        }
    }

    private long cursor() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement("SELECT position FROM sync_cursor WHERE consumer = ?")) {
            read.setString(1, consumer);
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return Long.parseLong(rs.getString(1));
            }
        }
    }
}
