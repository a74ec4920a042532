package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.FAST_RETRY;
import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.assertDrainedInOrder;
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
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/** The sync engine end to end on the generic webhook platform, against a loopback fake of the receiver. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class WebhookSyncEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Inject
    DataSource dataSource;

    /** A real-time bidirectional integration on the fake, retrying fast; the platform's signing secret. */
    private String createBidirectional(String id) {
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "bidirectional", %s, "auth": {"type": "none", "secretCredential": "%s-signing"}, %s,
                "mapping": %s""".formatted(endpoint(), id, FAST_RETRY, MAPPING));
        return secret;
    }

    private String endpoint() {
        return "\"endpoint\": {\"baseUrl\": \"%s\", \"path\": \"/contacts\"}".formatted(platform.baseUrl());
    }

    @Test
    void outboundSendsContactsInScopeAndThenOnlyWhatChanged() {
        String id = uniqueId("out");
        createActive(id, """
                "direction": "outbound", %s, "auth": {"type": "none"}, %s,
                "scope": {"filter": "tier in ['GOLD','PLATINUM']"}, "mapping": %s""".formatted(endpoint(), FAST_RETRY,
                MAPPING));
        String gold = uniqueEmail("gold");
        String bronze = uniqueEmail("bronze");
        String goldId = createContact(
                "{\"email\": \"%s\", \"firstName\": \"Ann\", \"tier\": \"GOLD\"}".formatted(gold));
        createContact("{\"email\": \"%s\", \"firstName\": \"Bob\", \"tier\": \"BRONZE\"}".formatted(bronze));

        await().atMost(WAIT).until(() -> platform.recordsFor(gold).size() == 1);
        Map<String, Object> sent = platform.recordsFor(gold).get(0);
        assertThat(sent).containsEntry("first_name", "Ann").containsEntry("tier", "GOLD");

        operator().body("{\"lastName\": \"Lee\"}").patch("/api/contacts/" + goldId).then().statusCode(200);
        await().atMost(WAIT).until(() -> platform.recordsFor(gold).size() == 2);
        Map<String, Object> update = platform.recordsFor(gold).get(1);
        assertThat(update).containsEntry("last_name", "Lee").doesNotContainKey("first_name");
        assertThat(platform.recordsFor(bronze)).as("a contact outside the scope filter is not sent").isEmpty();

        // The platform holds the record before the batch that sent it commits its log entries.
        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("integration", id)
                .queryParam("contact", goldId).queryParam("type", "success").get("/api/logs").then().statusCode(200)
                .body("items.findAll { it.field == 'last_name' }[0].newValue", equalTo("Lee")));

        JsonPath status = viewer().get("/api/integrations/" + id + "/status").then().statusCode(200).extract()
                .jsonPath();
        assertThat(status.getString("health")).isEqualTo("healthy");
        assertThat(status.getString("state")).isEqualTo("active");
        assertThat(status.getLong("recordsToday")).isEqualTo(2);
        assertThat(status.getString("lastSync")).isNotNull();
        assertThat(status.getLong("apiUsage.requests")).as("one call per change, none for the filtered contact")
                .isEqualTo(2);
        assertThat(status.getLong("apiUsage.throttled")).isZero();
        assertThat(status.getString("apiUsage.dailyQuota")).isNull();
        assertThat(status.getString("averageSyncSeconds")).as("no run has finished").isNull();
        operator().post("/api/integrations/" + id + "/connection-test").then().statusCode(200).body("connected",
                equalTo(true));
        platform.answer(401, 1);
        operator().post("/api/integrations/" + id + "/connection-test").then().statusCode(200)
                .body("connected", equalTo(false))
                .body("detail", org.hamcrest.Matchers.containsString("Authentication"));
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        viewer().get("/api/integrations/" + id + "/status").then().body("health", equalTo("inactive"));
    }

    @Test
    void inboundWebhooksAreVerifiedStoredAndAppliedToKomo() {
        String id = uniqueId("in");
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", %s, "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s"""
                .formatted(endpoint(), id, MAPPING));
        String email = uniqueEmail("pushed");
        String body = "{\"id\": \"ext-1\", \"email\": \"%s\", \"first_name\": \"Pia\", \"tier\": \"SILVER\"}"
                .formatted(email);

        pushSigned(id, "whsec_" + java.util.Base64.getEncoder().encodeToString("wrong-secret-wrong-secret".getBytes()),
                body, Instant.now()).then().statusCode(401);
        pushSigned(id, secret, body, Instant.now().minus(Duration.ofMinutes(10))).then().statusCode(401);
        io.restassured.RestAssured.given().contentType("application/json").body(body).post("/webhooks/" + id)
                .then().statusCode(401);
        pushSigned(id, secret, body, Instant.now()).then().statusCode(202);

        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", email).get("/api/contacts").then()
                .body("items.size()", equalTo(1)).body("items[0].firstName", equalTo("Pia"))
                .body("items[0].tier", equalTo("SILVER")));
    }

    @Test
    void bidirectionalSyncDoesNotPingPongOverAHundredRoundTrips() {
        String id = uniqueId("bi");
        String secret = createBidirectional(id);
        String email = uniqueEmail("pingpong");
        String contactId = createContact("{\"email\": \"%s\", \"firstName\": \"Round0\"}".formatted(email));
        await().atMost(WAIT).until(() -> platform.recordsFor(email).size() == 1);

        for (int round = 1; round <= 100; round++) {
            // Komo changes a field; the platform receives it and, like real platforms do, echoes its new state back.
            operator().body("{\"firstName\": \"Round%d\"}".formatted(round)).patch("/api/contacts/" + contactId)
                    .then().statusCode(200);
            int expected = round + 1;
            await().atMost(WAIT).until(() -> platform.recordsFor(email).size() >= expected);
            // Stamped with the time the platform holds the value, as real platforms stamp updatedAt. The next Komo
            // change does not wait for the echo: echoes lag, and one applied after a newer value went out must
            // still be known for an echo, by its time.
            pushSigned(id, secret,
                    "{\"id\": \"ext-pp\", \"email\": \"%s\", \"first_name\": \"Round%d\", \"updatedAt\": \"%s\"}"
                            .formatted(email, round, Instant.now()),
                    Instant.now()).then().statusCode(202);
        }
        await().atMost(WAIT).until(() -> inboundNotYetApplied(dataSource, id) == 0);
        // The last echo is applied (or dropped); then nothing more may be sent.
        await().pollDelay(Duration.ofSeconds(2)).atMost(WAIT).untilAsserted(() -> viewer()
                .queryParam("integration", id).queryParam("contact", contactId).get("/api/logs").then()
                .statusCode(200));
        assertThat(platform.recordsFor(email)).as("one outbound call per Komo change, none for echoes").hasSize(101);
        viewer().get("/api/contacts/" + contactId).then().body("firstName", equalTo("Round100"));
    }

    @Test
    void anEchoOfAnOlderValueArrivingAfterANewerOneWasSentIsDropped() {
        String id = uniqueId("stale");
        String secret = createBidirectional(id);
        String email = uniqueEmail("stale");
        String contactId = createContact("{\"email\": \"%s\", \"firstName\": \"First\"}".formatted(email));
        await().atMost(WAIT).until(() -> platform.recordsFor(email).size() == 1);
        operator().body("{\"firstName\": \"Older\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
        await().atMost(WAIT).until(() -> platform.recordsFor(email).size() == 2);
        Instant platformHeldOlder = Instant.now();
        operator().body("{\"firstName\": \"Newer\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
        await().atMost(WAIT).until(() -> sentLogged(id, contactId, "Newer"));

        // The platform's webhooks for "Older" arrive late: one stamps the change in its body, one only signs it.
        pushSigned(id, secret,
                "{\"id\": \"ext-st\", \"email\": \"%s\", \"first_name\": \"Older\", \"updatedAt\": \"%s\"}"
                        .formatted(email, platformHeldOlder),
                Instant.now()).then().statusCode(202);
        pushSigned(id, secret, "{\"id\": \"ext-st\", \"email\": \"%s\", \"first_name\": \"Older\"}".formatted(email),
                platformHeldOlder.minusSeconds(2)).then().statusCode(202);
        await().atMost(WAIT).until(() -> inboundNotYetApplied(dataSource, id) == 0);

        viewer().get("/api/contacts/" + contactId).then().body("firstName", equalTo("Newer"));
        List<String> dropped = viewer().queryParam("integration", id).queryParam("contact", contactId).get("/api/logs")
                .then().statusCode(200).extract().jsonPath()
                .getList("items.findAll { it.operation == 'field.received.stale' }.oldValue");
        // One entry per applied change: the aggregator may have folded both echoes of the contact into one.
        assertThat(dropped).as("the late echoes are logged as dropped").isNotEmpty().containsOnly("Older");

        // A change the platform makes after Komo's write is a real change and is applied.
        pushSigned(id, secret, "{\"id\": \"ext-st\", \"email\": \"%s\", \"first_name\": \"FromPlatform\"}"
                .formatted(email), Instant.now()).then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> viewer().get("/api/contacts/" + contactId).then()
                .body("firstName", equalTo("FromPlatform")));
        assertThat(platform.recordsFor(email)).extracting(r -> r.get("first_name"))
                .as("the stale value is never sent back out").containsExactly("First", "Older", "Newer");
    }

    private static boolean sentLogged(String integrationId, String contactId, String value) {
        List<String> sent = viewer().queryParam("integration", integrationId).queryParam("contact", contactId)
                .get("/api/logs").then().statusCode(200).extract().jsonPath()
                .getList("items.findAll { it.operation == 'field.sent' }.newValue");
        return sent.contains(value);
    }

    @Test
    void aRecordKomoCannotTakeIsDeadLetteredAndDoesNotHoldTheOthersBack() {
        String id = uniqueId("poison");
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", %s, "auth": {"type": "none", "secretCredential": "%s-signing"}, "mapping": %s"""
                .formatted(endpoint(), id, MAPPING));
        String refused = uniqueEmail("refused");
        String accepted = uniqueEmail("accepted");
        // Komo refuses first names over 200 characters: this record can never be applied.
        pushSigned(id, secret, "{\"id\": \"ext-bad\", \"email\": \"%s\", \"first_name\": \"%s\"}"
                .formatted(refused, "x".repeat(201)), Instant.now()).then().statusCode(202);
        pushSigned(id, secret, "{\"id\": \"ext-good\", \"email\": \"%s\", \"first_name\": \"Good\"}"
                .formatted(accepted), Instant.now()).then().statusCode(202);

        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", accepted).get("/api/contacts").then()
                .body("items.size()", equalTo(1)).body("items[0].firstName", equalTo("Good")));
        await().atMost(WAIT).until(() -> inboundNotYetApplied(dataSource, id) == 0);
        JsonPath letters = viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath();
        assertThat(letters.getList("items.stage")).containsExactly("apply");
        assertThat(letters.getString("items[0].error")).contains("firstName");
        assertThat(letters.getString("items[0].payload")).contains(refused);
        viewer().queryParam("email", refused).get("/api/contacts").then().body("items.size()", equalTo(0));
        assertThat(viewer().queryParam("integration", id).queryParam("type", "error").get("/api/logs").jsonPath()
                .getList("items.operation")).as("the given-up record raised sync.failed, as on the way out")
                .containsOnlyOnce("sync.failed");
    }

    @Test
    void conflictsAreDecidedByEachFieldsRule() {
        String id = uniqueId("rules");
        String secret = storeSigningSecret(id + "-signing");
        // Not real time: Komo's changes wait, so both sides change the same fields before they meet.
        createActive(id,
                """
                        "direction": "bidirectional", %s, "auth": {"type": "none", "secretCredential": "%s-signing"},
                        "trigger": {"realtime": false}, "sourceOfTruth": "komo",
                        "mapping": %s,
                        "conflicts": {"default": "two-way", "fields": {"firstName": "prefer-komo", "lastName": "prefer-external",
                                      "tier": "manual"}}"""
                        .formatted(endpoint(), id, MAPPING));
        String email = uniqueEmail("rules");
        pushSigned(id, secret,
                "{\"id\": \"ext-r\", \"email\": \"%s\", \"first_name\": \"A\", \"last_name\": \"B\", \"tier\": \"SILVER\"}"
                        .formatted(email),
                Instant.now()).then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", email).get("/api/contacts").then()
                .body("items.size()", equalTo(1)));
        String contactId = viewer().queryParam("email", email).get("/api/contacts").jsonPath().getString("items[0].id");

        operator().body("{\"firstName\": \"KomoFirst\", \"lastName\": \"KomoLast\", \"tier\": \"GOLD\"}")
                .patch("/api/contacts/" + contactId).then().statusCode(200);
        pushSigned(id, secret,
                "{\"id\": \"ext-r\", \"email\": \"%s\", \"first_name\": \"ExtFirst\", \"last_name\": \"ExtLast\", \"tier\": \"PLATINUM\"}"
                        .formatted(email),
                Instant.now()).then().statusCode(202);

        await().atMost(WAIT).untilAsserted(() -> viewer().get("/api/contacts/" + contactId).then()
                .body("firstName", equalTo("KomoFirst")).body("lastName", equalTo("ExtLast"))
                .body("tier", equalTo("GOLD")));
        viewer().queryParam("integration", id).queryParam("type", "conflict").get("/api/logs").then().statusCode(200)
                .body("items.field", org.hamcrest.Matchers.hasItems("first_name", "last_name", "tier"));

        // The manual field waits for a person, with both values shown; resolving applies the choice to both sides.
        JsonPath queue = viewer().queryParam("integration", id).queryParam("status", "open").get("/api/conflicts")
                .jsonPath();
        assertThat(queue.getList("items")).hasSize(1);
        assertThat(queue.getString("items[0].field")).isEqualTo("tier");
        assertThat(queue.getString("items[0].komoValue")).isEqualTo("GOLD");
        assertThat(queue.getString("items[0].externalValue")).isEqualTo("PLATINUM");
        int before = platform.recordsFor(email).size();
        operator().body("{\"winner\": \"external\"}")
                .post("/api/conflicts/" + queue.getString("items[0].id") + "/resolve")
                .then().statusCode(200);
        viewer().get("/api/contacts/" + contactId).then().body("tier", equalTo("PLATINUM"));
        await().atMost(WAIT).until(() -> platform.recordsFor(email).size() > before);
        assertThat(platform.recordsFor(email).get(platform.recordsFor(email).size() - 1)).containsEntry("tier",
                "PLATINUM");
        viewer().queryParam("integration", id).queryParam("status", "open").get("/api/conflicts").then()
                .body("items.size()", equalTo(0));
    }

    @Test
    void pausedChangesQueueAndResumeDeliversEachContactsFinalStateInOrder() {
        String id = uniqueId("pause");
        createActive(id, """
                "direction": "outbound", %s, "auth": {"type": "none"}, "batchSize": 100, %s, "mapping": %s"""
                .formatted(endpoint(), FAST_RETRY, MAPPING));
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        String prefix = uniqueId("q");
        for (int round = 0; round < 10; round++) {
            StringBuilder bulk = new StringBuilder("{\"contacts\": [");
            for (int i = 0; i < 100; i++) {
                bulk.append(i == 0 ? "" : ",").append("{\"email\": \"%s.%d@example.com\", \"lastName\": \"v%02d\"}"
                        .formatted(prefix, i, round));
            }
            operator().body(bulk + "]}").post("/api/contacts/bulk?merge=true").then().statusCode(200)
                    .body("failed", equalTo(0));
        }
        assertThat(platform.received()).as("nothing is sent while paused").isEmpty();

        operator().post("/api/integrations/" + id + "/resume").then().statusCode(200);
        assertDrainedInOrder(platform, prefix, 100, "v09", WAIT);
    }

    @Test
    void failuresAndThrottlingAreRetriedAndLoseNothing() {
        String id = uniqueId("faults");
        createActive(id, """
                "direction": "outbound", %s, "auth": {"type": "none"}, %s, "mapping": %s"""
                .formatted(endpoint(), FAST_RETRY, MAPPING));
        platform.answer(500, 3).throttle(1, 2).delay(Duration.ofSeconds(3), 1);
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            emails.add(uniqueEmail("fault" + i));
            createContact("{\"email\": \"%s\", \"firstName\": \"F%d\"}".formatted(emails.get(i), i));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> emails.stream().allMatch(e -> !platform.recordsFor(e).isEmpty()));
        JsonPath usage = viewer().get("/api/integrations/" + id + "/status").jsonPath();
        assertThat(usage.getLong("apiUsage.throttled")).isEqualTo(2);
        assertThat(usage.getLong("apiUsage.requests")).as("three 500s, two 429s, a timeout, then at least one success")
                .isGreaterThanOrEqualTo(3 + 2 + 1 + 1);
        Map<String, Integer> deadLetters = new HashMap<>();
        viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath().getList("items.contactId")
                .forEach(c -> deadLetters.merge(String.valueOf(c), 1, Integer::sum));
        assertThat(deadLetters).as("nothing was given up").isEmpty();
    }

    @Test
    void aPermanentRejectionIsDeadLetteredAndReplaysAfterTheFix() {
        String id = uniqueId("dlq");
        createActive(id, """
                "direction": "outbound", %s, "auth": {"type": "none"}, %s, "mapping": %s"""
                .formatted(endpoint(), FAST_RETRY, MAPPING));
        platform.answer(400, "{\"error\": \"first_name is required\"}", 1);
        String email = uniqueEmail("rejected");
        String contactId = createContact("{\"email\": \"%s\"}".formatted(email));

        await().atMost(WAIT).until(() -> !viewer().queryParam("integration", id).get("/api/dead-letters")
                .jsonPath().getList("items").isEmpty());
        JsonPath letter = viewer().queryParam("integration", id).get("/api/dead-letters").jsonPath();
        assertThat(letter.getString("items[0].contactId")).isEqualTo(contactId);
        assertThat(letter.getString("items[0].error")).contains("first_name is required");
        assertThat(letter.getString("items[0].routeId")).isEqualTo(id + ".outbound");

        operator().body("{\"firstName\": \"Fixed\"}").patch("/api/contacts/" + contactId).then().statusCode(200);
        await().atMost(WAIT)
                .until(() -> platform.recordsFor(email).stream().anyMatch(b -> "Fixed".equals(b.get("first_name"))));
        operator().post("/api/dead-letters/" + letter.getString("items[0].id") + "/replay").then().statusCode(200);
        viewer().get("/api/dead-letters/" + letter.getString("items[0].id")).then().body("status", equalTo("replayed"));
    }
}
