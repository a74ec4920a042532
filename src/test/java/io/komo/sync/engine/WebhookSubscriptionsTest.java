package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.FAST_RETRY;
import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.as;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.security.StandardWebhooks;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/** Outbound event subscriptions end to end: a loopback receiver subscribes and checks what it is sent. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class WebhookSubscriptionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String PATH = "/api/webhook-subscriptions";

    @RegisterExtension
    static final WebhookReceiverFake receiver = WebhookReceiverFake.eachTest();

    private final List<String> subscriptions = new ArrayList<>();

    /** What the create call answered: the only time the full secret is shown. */
    private record Subscribed(String id, String secret) {
    }

    @AfterEach
    void unsubscribe() {
        // Tests share one database: a subscription left behind would keep calling a closed port.
        subscriptions.forEach(id -> admin().delete(PATH + "/" + id));
    }

    private Subscribed subscribe(String... events) {
        JsonPath created = admin().body("{\"url\": \"%s/komo-events\", \"events\": [\"%s\"]}"
                .formatted(receiver.baseUrl(), String.join("\", \"", events)))
                .post(PATH).then().statusCode(201).header("Location", containsString(PATH + "/")).extract().jsonPath();
        subscriptions.add(created.getString("id"));
        return new Subscribed(created.getString("id"), created.getString("secret"));
    }

    /** The events received, in arrival order, as JSON. */
    private List<JsonPath> events(String type) {
        return receiver.received().stream().map(r -> JsonPath.from(r.body()))
                .filter(body -> type.equals(body.getString("type"))).toList();
    }

    private List<JsonPath> eventsOf(String type, String path, Object value) {
        return events(type).stream().filter(body -> value.equals(body.get(path))).toList();
    }

    private JsonPath deliveries(Subscribed subscription) {
        return viewer().get(PATH + "/" + subscription.id() + "/deliveries").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aSlowReceiversBacklogDoesNotHoldUpTheOtherSubscriptions() {
        int backlog = 10;
        try (WebhookReceiverFake slow = WebhookReceiverFake.start()) {
            slow.delay(Duration.ofMillis(800), backlog);
            JsonPath created = admin()
                    .body("{\"url\": \"%s/slow\", \"events\": [\"contact.created\"]}".formatted(slow.baseUrl()))
                    .post(PATH).then().statusCode(201).extract().jsonPath();
            subscriptions.add(created.getString("id"));
            for (int i = 0; i < backlog; i++) {
                createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("backlog")));
            }
            await().atMost(WAIT).until(() -> !slow.received().isEmpty());

            subscribe("contact.updated");
            String contactId = createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("fast")));
            operator().body("{\"lastName\": \"Now\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
            await().atMost(WAIT).until(() -> eventsOf("contact.updated", "data.id", contactId).size() == 1);

            assertThat(slow.received().size()).as("sent while the slow receiver still had deliveries waiting")
                    .isLessThan(backlog);
        }
    }

    @Test
    void contactEventsArriveSignedWithTheSecretTheSubscriptionWasGiven() {
        Subscribed subscription = subscribe("contact.created", "contact.updated");
        assertThat(subscription.secret()).startsWith("whsec_");
        String email = uniqueEmail("hooked");
        String contactId = createContact("{\"email\": \"%s\", \"firstName\": \"Ann\"}".formatted(email));
        operator().body("{\"lastName\": \"Lee\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
        operator().delete("/api/contacts/" + contactId).then().statusCode(204);

        await().atMost(WAIT).until(() -> eventsOf("contact.updated", "data.id", contactId).size() == 1);
        JsonPath created = eventsOf("contact.created", "data.id", contactId).get(0);
        assertThat(created.getString("data.email")).isEqualTo(email);
        assertThat(created.getString("data.firstName")).isEqualTo("Ann");
        assertThat(Instant.parse(created.getString("timestamp"))).isBefore(Instant.now());
        assertThat(eventsOf("contact.updated", "data.id", contactId).get(0).getString("data.lastName"))
                .isEqualTo("Lee");

        StandardWebhooks signing = StandardWebhooks.fromSecret(subscription.secret());
        assertThat(receiver.received()).hasSize(2).allSatisfy(request -> {
            assertThat(request.header("webhook-id")).startsWith("msg_");
            assertThat(request.header("content-type")).startsWith("application/json");
            assertThat(signing.verify(request::header, request.body(), Instant.now()).valid())
                    .as("signature of %s", request.body()).isTrue();
        });
        assertThat(StandardWebhooks.fromSecret(StandardWebhooks.newSecret())
                .verify(receiver.lastReceived()::header, receiver.lastReceived().body(), Instant.now()).valid())
                .as("another secret does not verify").isFalse();
        assertThat(events("contact.deleted")).as("an event not subscribed to is not sent").isEmpty();

        JsonPath listed = viewer().queryParam("limit", 1000).get(PATH).then().statusCode(200).extract().jsonPath();
        assertThat(listed.getString("items.find { it.id == '%s' }.secret".formatted(subscription.id())))
                .isEqualTo("whsec_****");
        viewer().get(PATH + "/" + subscription.id()).then().statusCode(200)
                .body("events", equalTo(List.of("contact.created", "contact.updated")))
                .body("secret", equalTo("whsec_****"));
        assertThat(viewer().get(PATH).asString()).doesNotContain(subscription.secret().substring(6));
        JsonPath deliveries = deliveries(subscription);
        assertThat(deliveries.getList("items.status")).containsOnly("delivered");
        assertThat(deliveries.getList("items.attempts", Integer.class)).containsOnly(1);
    }

    @Test
    void aReceiverThatFailsOnceGetsTheEventAgainUnderTheSameIdAndItIsDeliveredOnce() {
        Subscribed subscription = subscribe("contact.created");
        receiver.answer(500, 1);
        createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("retried")));

        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveries(subscription).getString("items[0].status"))
                .isEqualTo("delivered"));
        JsonPath delivery = deliveries(subscription);
        assertThat(delivery.getList("items")).hasSize(1);
        assertThat(delivery.getInt("items[0].attempts")).isEqualTo(2);
        assertThat(receiver.received()).hasSize(2);
        assertThat(receiver.received().get(1).header("webhook-id"))
                .isEqualTo(receiver.received().get(0).header("webhook-id"))
                .isEqualTo(delivery.getString("items[0].messageId"));
    }

    @Test
    void aReceiverThatRejectsTheEventFailsItAtOnceWithTheReason() {
        Subscribed subscription = subscribe("contact.created");
        receiver.answer(400, "{\"error\": \"unknown event\"}", 1);
        createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("rejected")));

        await().atMost(WAIT).untilAsserted(() -> assertThat(deliveries(subscription).getString("items[0].status"))
                .isEqualTo("failed"));
        JsonPath delivery = deliveries(subscription);
        assertThat(delivery.getInt("items[0].attempts")).isEqualTo(1);
        assertThat(delivery.getString("items[0].lastError")).contains("HTTP 400").contains("unknown event");
        assertThat(delivery.getString("items[0].finishedAt")).isNotNull();
        assertThat(receiver.received()).hasSize(1);
        viewer().queryParam("status", "failed").get(PATH + "/" + subscription.id() + "/deliveries").then()
                .body("items.size()", equalTo(1));
        viewer().queryParam("status", "delivered").get(PATH + "/" + subscription.id() + "/deliveries").then()
                .body("items.size()", equalTo(0));
    }

    @Test
    void anIntegrationThatKeepsFailingRaisesSyncFailedOncePerSpell() {
        Subscribed subscription = subscribe("sync.failed");
        try (WebhookReceiverFake platform = WebhookReceiverFake.start()) {
            String id = uniqueId("failing");
            createActive(id,
                    """
                            "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                            %s, "mapping": %s"""
                            .formatted(platform.baseUrl(), FAST_RETRY, MAPPING));
            // Rejected, rejected again, accepted (the spell ends), rejected (a new spell).
            for (int status : new int[]{400, 400, 200, 400}) {
                platform.answer(status, "{\"error\": \"no\"}", 1);
                int before = platform.received().size();
                createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("spell")));
                await().atMost(WAIT).until(() -> platform.received().size() > before);
            }
            await().atMost(WAIT).until(() -> eventsOf("sync.failed", "data.integrationId", id).size() == 2);
            await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).until(() -> true);
            List<JsonPath> failed = eventsOf("sync.failed", "data.integrationId", id);
            assertThat(failed).as("one event per transition into failing").hasSize(2);
            assertThat(failed.get(0).getInt("data.failedRecords")).isEqualTo(1);
            assertThat(failed.get(0).getString("data.detail")).contains("dead letters");
            assertThat(StandardWebhooks.fromSecret(subscription.secret())
                    .verify(receiver.lastReceived()::header, receiver.lastReceived().body(), Instant.now()).valid())
                    .isTrue();
        }
    }

    @Test
    void aFinishedRunRaisesSyncCompletedWithItsCounts() {
        subscribe("sync.completed");
        try (WebhookReceiverFake platform = WebhookReceiverFake.start()) {
            String tier = "HOOK" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
            String id = uniqueId("completed");
            createActive(id,
                    """
                            "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                            "trigger": {"realtime": false}, "scope": {"filter": "tier == '%s'"}, "mapping": %s"""
                            .formatted(platform.baseUrl(), tier, MAPPING));
            for (int i = 0; i < 3; i++) {
                createContact("{\"email\": \"%s\", \"tier\": \"%s\"}".formatted(uniqueEmail("run" + i), tier));
            }
            String runId = operator().body("{\"type\": \"selective\", \"filter\": \"tier == '%s'\"}".formatted(tier))
                    .post("/api/integrations/" + id + "/runs").then().statusCode(202).extract().path("id");

            await().atMost(WAIT).until(() -> eventsOf("sync.completed", "data.id", runId).size() == 1);
            JsonPath completed = eventsOf("sync.completed", "data.id", runId).get(0);
            JsonPath run = viewer().get("/api/integrations/" + id + "/runs/" + runId).jsonPath();
            assertThat(completed.getString("data.integrationId")).isEqualTo(id);
            assertThat(completed.getString("data.status")).isEqualTo("completed");
            assertThat(completed.getString("data.type")).isEqualTo("selective");
            assertThat(completed.getLong("data.succeeded")).isEqualTo(3).isEqualTo(run.getLong("succeeded"));
            assertThat(completed.getLong("data.failed")).isZero();
            assertThat(completed.getLong("data.processed")).isEqualTo(run.getLong("processed"));
            assertThat(completed.getString("data.finishedAt")).isNotNull();
            assertThat(platform.received()).as("one call per contact on the webhook platform").hasSize(3);
        }
    }

    @Test
    void badSubscriptionsAreProblemsAndInternalAddressesAreRefused() {
        problem(admin().body("{\"url\": \"http://10.1.2.3/hook\", \"events\": [\"sync.failed\"]}").post(PATH).then(),
                400)
                .body("errors[0].field", equalTo("url"))
                .body("errors[0].message", containsString("KOMO_OUTBOUND_ALLOWLIST"));
        problem(admin().body("{\"url\": \"http://169.254.169.254/latest\", \"events\": [\"sync.failed\"]}").post(PATH)
                .then(), 400).body("errors[0].field", equalTo("url"));
        problem(admin().body("{\"url\": \"https://hooks.example.com\", \"events\": [\"contact.exploded\"]}").post(PATH)
                .then(), 400).body("errors[0].field", equalTo("events[0]"));
        problem(admin().body("{\"url\": \"https://hooks.example.com\"}").post(PATH).then(), 400)
                .body("errors.field", hasItem("events"));
        problem(admin().body("{\"url\": ").post(PATH).then(), 400);
        problem(admin().contentType("text/plain").body("url=x").post(PATH).then(), 415);
        for (String id : new String[]{UUID.randomUUID().toString(), "not-a-uuid"}) {
            problem(admin().delete(PATH + "/" + id).then(), 404);
            problem(viewer().get(PATH + "/" + id).then(), 404);
            problem(viewer().get(PATH + "/" + id + "/deliveries").then(), 404);
        }
        problem(viewer().queryParam("limit", "lots").get(PATH).then(), 400);
        assertThat(viewer().queryParam("limit", 1000).get(PATH).jsonPath().getList("items.url"))
                .as("nothing refused was stored").doesNotContain("http://10.1.2.3/hook");
    }

    @Test
    void onlyAdminsSubscribeAndUnsubscribe() {
        String body = "{\"url\": \"%s/hook\", \"events\": [\"sync.failed\"]}".formatted(receiver.baseUrl());
        problem(given().contentType("application/json").body(body).post(PATH).then(), 401);
        problem(as("not-a-token").body(body).post(PATH).then(), 401);
        problem(viewer().body(body).post(PATH).then(), 403);
        problem(operator().body(body).post(PATH).then(), 403);
        Subscribed subscription = subscribe("sync.failed");
        problem(operator().delete(PATH + "/" + subscription.id()).then(), 403);
        problem(given().get(PATH).then(), 401);
        viewer().get(PATH + "/" + subscription.id()).then().statusCode(200);
        admin().delete(PATH + "/" + subscription.id()).then().statusCode(204);
        problem(viewer().get(PATH + "/" + subscription.id()).then(), 404);
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType(containsString("application/problem+json"));
    }
}
