package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.inboundNotYetApplied;
import static io.komo.sync.engine.WebhookIntegrations.pushSigned;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/**
 * Inbound dedup end to end: {@code dedup.key} decides which Komo contact an unlinked platform record merges into, the
 * first-match merge is logged with what it took from each side, and a record that matches no single contact waits in
 * {@code /api/duplicates} until a person chooses.
 */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class InboundDedupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String MAPPING_WITH_PHONE = MAPPING.replace("]",
            ", {\"komo\": \"phone\", \"external\": \"phone\"}]");

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    @Inject
    DataSource dataSource;

    /** An inbound integration deduplicating on {@code key}, Komo's values kept where it has them; its signing secret. */
    private String createInbound(String id, String key) {
        String secret = storeSigningSecret(id + "-signing");
        createActive(id,
                """
                        "direction": "inbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"},
                        "auth": {"type": "none", "secretCredential": "%s-signing"}, "dedup": {"key": "%s", "merge": "fill-blanks"},
                        "mapping": %s"""
                        .formatted(platform.baseUrl(), id, key, MAPPING_WITH_PHONE));
        return secret;
    }

    /** A valid US number no other test holds (tests share one database), in E.164 and as a platform might write it. */
    private static String[] uniquePhone() {
        int line = ThreadLocalRandom.current().nextInt(1000, 10000);
        int exchange = ThreadLocalRandom.current().nextInt(200, 1000);
        return new String[]{"+1650" + exchange + line, "(650) " + exchange + "-" + line};
    }

    private void push(String id, String secret, String body) {
        pushSigned(id, secret, body, Instant.now()).then().statusCode(202);
    }

    private JsonPath contact(String contactId) {
        return viewer().get("/api/contacts/" + contactId).then().statusCode(200).extract().jsonPath();
    }

    private List<Map<String, Object>> logs(String id, String contactId) {
        var request = viewer().queryParam("integration", id);
        if (contactId != null) {
            request.queryParam("contact", contactId);
        }
        return request.get("/api/logs").then().statusCode(200).extract().jsonPath().getList("items");
    }

    @Test
    void phoneKeyMergesIntoTheContactWithThatPhoneAndLogsWhatItTookFromEachSide() {
        String id = uniqueId("dedup-phone");
        String secret = createInbound(id, "phone");
        String[] phone = uniquePhone();
        String komoEmail = uniqueEmail("komo-side");
        String platformEmail = uniqueEmail("platform-side");
        String contactId = createContact("{\"email\": \"%s\", \"firstName\": \"Ann\", \"phone\": \"%s\"}"
                .formatted(komoEmail, phone[0]));

        push(id, secret,
                "{\"id\": \"ext-p1\", \"email\": \"%s\", \"first_name\": \"Annie\", \"last_name\": \"Lee\", \"phone\": \"%s\"}"
                        .formatted(platformEmail, phone[1]));

        await().atMost(WAIT).until(() -> "Lee".equals(contact(contactId).getString("lastName")));
        JsonPath merged = contact(contactId);
        assertThat(merged.getString("firstName")).as("fill-blanks keeps Komo's value").isEqualTo("Ann");
        assertThat(merged.getString("email")).isEqualTo(komoEmail);
        viewer().queryParam("email", platformEmail).get("/api/contacts").then().body("items.size()", equalTo(0));

        List<Map<String, Object>> logged = logs(id, contactId);
        assertThat(logged).filteredOn(e -> "contact.received.matched".equals(e.get("operation"))).singleElement()
                .satisfies(e -> {
                    assertThat(e).containsEntry("field", "phone").containsEntry("newValue", phone[0])
                            .containsEntry("externalId", "ext-p1").containsEntry("type", "success");
                });
        assertThat(logged).filteredOn(e -> "field.merged.external".equals(e.get("operation")))
                .extracting(e -> e.get("field") + "=" + e.get("newValue")).containsExactly("lastName=Lee");
        assertThat(logged).filteredOn(e -> "field.merged.komo".equals(e.get("operation")))
                .extracting(e -> e.get("field") + ": " + e.get("oldValue") + " -> " + e.get("newValue"))
                .contains("firstName: Annie -> Ann", "email: " + platformEmail + " -> " + komoEmail);

        // Linked now: the record's next change reaches the same contact by its external id.
        push(id, secret, "{\"id\": \"ext-p1\", \"tier\": \"GOLD\"}");
        await().atMost(WAIT).until(() -> "GOLD".equals(contact(contactId).getString("tier")));
    }

    @Test
    void twoContactsWithThePhoneParkTheRecordUntilAPersonChoosesOne() throws Exception {
        String id = uniqueId("dedup-twins");
        String secret = createInbound(id, "phone");
        String[] phone = uniquePhone();
        String first = createContact("{\"email\": \"%s\", \"firstName\": \"Tom\", \"phone\": \"%s\"}"
                .formatted(uniqueEmail("twin-a"), phone[0]));
        String second = createContact("{\"email\": \"%s\", \"firstName\": \"Tim\", \"phone\": \"%s\"}"
                .formatted(uniqueEmail("twin-b"), phone[0]));
        String platformEmail = uniqueEmail("twin-platform");

        push(id, secret, "{\"id\": \"ext-t1\", \"email\": \"%s\", \"last_name\": \"Twin\", \"phone\": \"%s\"}"
                .formatted(platformEmail, phone[1]));

        await().atMost(WAIT).until(() -> inboundNotYetApplied(dataSource, id) == 0
                && viewer().queryParam("integration", id).get("/api/duplicates").jsonPath().getList("items")
                        .size() == 1);
        JsonPath open = viewer().queryParam("integration", id).queryParam("status", "open").get("/api/duplicates")
                .then().statusCode(200).extract().jsonPath();
        String duplicateId = open.getString("items[0].id");
        assertThat(open.getString("items[0].reason")).isEqualTo("several-matches");
        assertThat(open.getString("items[0].key")).isEqualTo("phone");
        assertThat(open.getString("items[0].keyValue")).isEqualTo(phone[0]);
        assertThat(open.getString("items[0].externalId")).isEqualTo("ext-t1");
        assertThat(open.getList("items[0].candidates")).containsExactlyInAnyOrder(first, second);
        assertThat(open.getString("items[0].fields.last_name")).isEqualTo("Twin");
        assertThat(open.getString("nextCursor")).isNull();
        assertThat(contact(first).getString("lastName")).as("nothing applied while it waits").isNull();
        assertThat(contact(second).getString("lastName")).isNull();
        viewer().queryParam("email", platformEmail).get("/api/contacts").then().body("items.size()", equalTo(0));
        assertThat(logs(id, null)).filteredOn(e -> "duplicate.parked".equals(e.get("operation"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("type", "conflict").containsEntry("field", "phone")
                        .containsEntry("newValue", phone[0]));

        viewer().get("/api/duplicates/" + duplicateId).then().statusCode(200).body("status", equalTo("open"));
        viewer().body("{\"choice\": \"%s\"}".formatted(second)).post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(403);
        operator().body("{\"choice\": \"someone\"}").post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(400).body("errors.field", hasItem("choice"));
        operator().body("{}").post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(400).body("errors.field", hasItem("choice"));
        viewer().queryParam("status", "parked").get("/api/duplicates").then().statusCode(400)
                .body("errors.field", hasItem("status"));

        operator().body("{\"choice\": \"%s\"}".formatted(second)).post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(200).body("status", equalTo("resolved")).body("resolution.choice", equalTo(second))
                .body("resolvedBy", containsString("operator"));
        assertThat(contact(second).getString("lastName")).as("applied to the chosen contact").isEqualTo("Twin");
        assertThat(contact(second).getString("firstName")).isEqualTo("Tim");
        assertThat(contact(first).getString("lastName")).isNull();
        assertThat(logs(id, second)).extracting(e -> e.get("operation")).contains("contact.received.matched");
        operator().body("{\"choice\": \"skip\"}").post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(409);
        viewer().queryParam("integration", id).queryParam("status", "open").get("/api/duplicates").then()
                .body("items.size()", equalTo(0));
        viewer().queryParam("integration", id).queryParam("status", "resolved").get("/api/duplicates").then()
                .body("items[0].id", equalTo(duplicateId));

        // The choice linked the record: its next change goes to the chosen contact, not to the list.
        push(id, secret, "{\"id\": \"ext-t1\", \"tier\": \"SILVER\"}");
        await().atMost(WAIT).until(() -> "SILVER".equals(contact(second).getString("tier")));
        viewer().queryParam("integration", id).queryParam("status", "open").get("/api/duplicates").then()
                .body("items.size()", equalTo(0));
    }

    @Test
    void externalIdKeyNeverMergesByEmailAndAnUnknownIdIsANewContact() throws Exception {
        String id = uniqueId("dedup-extid");
        String secret = createInbound(id, "external-id");
        String takenEmail = uniqueEmail("taken");
        String existing = createContact("{\"email\": \"%s\", \"firstName\": \"Eve\"}".formatted(takenEmail));
        String freshEmail = uniqueEmail("fresh");

        push(id, secret, "{\"id\": \"ext-e1\", \"email\": \"%s\", \"last_name\": \"Other\"}".formatted(takenEmail));
        push(id, secret, "{\"id\": \"ext-e2\", \"email\": \"%s\", \"first_name\": \"Fay\"}".formatted(freshEmail));

        await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", freshEmail).get("/api/contacts").then()
                .body("items.size()", equalTo(1)).body("items[0].firstName", equalTo("Fay")));
        await().atMost(WAIT).until(() -> inboundNotYetApplied(dataSource, id) == 0);
        assertThat(contact(existing).getString("lastName")).as("not merged by email").isNull();
        JsonPath open = viewer().queryParam("integration", id).get("/api/duplicates").jsonPath();
        assertThat(open.getList("items")).hasSize(1);
        assertThat(open.getString("items[0].reason")).isEqualTo("email-taken");
        assertThat(open.getString("items[0].keyValue")).isEqualTo("ext-e1");
        assertThat(open.getList("items[0].candidates")).containsExactly(existing);
        String duplicateId = open.getString("items[0].id");

        operator().body("{\"choice\": \"create-new\"}").post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(409).body("detail", containsString(takenEmail));
        viewer().get("/api/duplicates/" + duplicateId).then().body("status", equalTo("open"));
        operator().body("{\"choice\": \"skip\"}").post("/api/duplicates/" + duplicateId + "/resolve")
                .then().statusCode(200).body("status", equalTo("resolved")).body("resolution.choice", equalTo("skip"));
        assertThat(contact(existing).getString("lastName")).as("a skipped record is not applied").isNull();
        assertThat(logs(id, null)).filteredOn(e -> "duplicate.resolved".equals(e.get("operation"))).singleElement()
                .satisfies(e -> assertThat(e).containsEntry("type", "audit").containsEntry("newValue", "skip"));
    }

    @Test
    void aDedupKeyOutsideTheAllowedOnesIsRefusedByName() {
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "inbound", "dedup": {"key": "fax"}}"""
                .formatted(uniqueId("dedup-bad")))
                .post("/api/integrations").then().statusCode(400).body("errors.field", hasItem("dedup.key"))
                .body("errors.find { it.field == 'dedup.key' }.message", containsString("email, phone, external-id"));
    }
}
