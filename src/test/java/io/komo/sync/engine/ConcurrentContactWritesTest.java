package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.inboundNotYetApplied;
import static io.komo.sync.engine.WebhookIntegrations.pushSigned;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ProductionPath;

/**
 * API writes and inbound sync writes of the same contact at the same time: each PATCH answers 200 (the
 * caller sent no precondition, so another writer is no reason to refuse it), nothing written is lost,
 * and the two kinds of writer never deadlock on the contact's row and the outbox's write lock.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class ConcurrentContactWritesTest {

    private static final int PATCH_THREADS = 4;
    private static final int PATCHES_PER_THREAD = 15;
    private static final int PUSHES = 40;

    @Inject
    DataSource dataSource;

    @Test
    void patchesRacingInboundWritesOfTheSameContactAllSucceedAndLoseNothing() throws Exception {
        String id = uniqueId("race");
        String secret = storeSigningSecret(id + "-signing");
        try (WebhookReceiverFake platform = WebhookReceiverFake.start()) {
            createActive(id, """
                    "direction": "inbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"},
                    "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s"""
                    .formatted(platform.baseUrl(), id, MAPPING));
            String raced = uniqueEmail("raced");
            String other = uniqueEmail("other");
            String racedId = createContact("{\"email\": \"%s\", \"firstName\": \"Start\"}".formatted(raced));
            createContact("{\"email\": \"%s\", \"firstName\": \"Start\"}".formatted(other));
            long deadlocksBefore = deadlocks();

            ExecutorService pool = Executors.newFixedThreadPool(PATCH_THREADS + 1);
            List<Future<List<Integer>>> patches = new ArrayList<>();
            for (int t = 0; t < PATCH_THREADS; t++) {
                int thread = t;
                patches.add(pool.submit(() -> patchEachProperty(racedId, thread)));
            }
            // Both contacts in the same inbound batches: the batch holds the outbox's write lock from its
            // first write to its commit, and then writes the contact the PATCHes write.
            Future<List<Integer>> pushes = pool.submit((Callable<List<Integer>>) () -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < PUSHES; i++) {
                    String email = i % 2 == 0 ? other : raced;
                    statuses.add(
                            pushSigned(id, secret, "{\"id\": \"ext-%d\", \"email\": \"%s\", \"first_name\": \"In%d\"}"
                                    .formatted(i % 2, email, i), Instant.now()).statusCode());
                }
                return statuses;
            });
            List<Integer> patchStatuses = new ArrayList<>();
            for (Future<List<Integer>> thread : patches) {
                patchStatuses.addAll(thread.get(2, TimeUnit.MINUTES));
            }
            assertThat(pushes.get(2, TimeUnit.MINUTES)).as("every push is stored").containsOnly(202);
            pool.shutdown();

            assertThat(patchStatuses).as("no PATCH is refused because a sync wrote the contact at the same time")
                    .hasSize(PATCH_THREADS * PATCHES_PER_THREAD).containsOnly(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> inboundNotYetApplied(dataSource, id) == 0);
            assertThat(inboundEvents(id, "failed")).isZero();

            JsonPath contact = viewer().get("/api/contacts/" + racedId).then().statusCode(200).extract().jsonPath();
            Map<String, Object> properties = contact.getMap("properties");
            for (int t = 0; t < PATCH_THREADS; t++) {
                for (int i = 0; i < PATCHES_PER_THREAD; i++) {
                    assertThat(properties).as("PATCH %d of thread %d is kept", i, t).containsKey("t" + t + "_" + i);
                }
            }
            assertThat(contact.getString("firstName")).as("the last inbound write is kept")
                    .isEqualTo("In" + (PUSHES - 1));
            // PostgreSQL resolves a deadlock by failing one side; a failed inbound batch is retried unseen, so
            // the server's count of deadlocks is the witness (its statistics arrive within a second or so).
            Thread.sleep(1500);
            assertThat(deadlocks()).as("deadlocks detected by PostgreSQL during the race").isEqualTo(deadlocksBefore);
        }
    }

    /** One PATCH per property, each adding a key no other write touches. */
    private static List<Integer> patchEachProperty(String contactId, int thread) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < PATCHES_PER_THREAD; i++) {
            statuses.add(operator().body("{\"properties\": {\"t%d_%d\": %d}}".formatted(thread, i, i))
                    .patch("/api/contacts/" + contactId).statusCode());
        }
        return statuses;
    }

    private long inboundEvents(String integrationId, String status) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c.prepareStatement(
                        "SELECT count(*) FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ? AND status = ?")) {
            count.setString(1, integrationId);
            count.setString(2, status);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long deadlocks() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")) {
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
