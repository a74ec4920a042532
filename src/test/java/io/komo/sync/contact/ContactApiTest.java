package io.komo.sync.contact;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ContactApiTest {

    @Inject
    DataSource dataSource;

    @Test
    void createNormalisesEmailAndPhoneAndStampsEachFieldsTime() {
        String email = uniqueEmail("Ann");
        String id = createContact("""
                {"email": "  %s ", "firstName": "Ann", "phone": "(415) 555-2671", "tier": "GOLD",
                 "lists": ["newsletter", "newsletter", "vip"], "properties": {"shoeSize": 41}}
                """.formatted(email.toUpperCase()));

        JsonPath contact = viewer().get("/api/contacts/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(contact.getString("email")).isEqualTo(email.toLowerCase());
        assertThat(contact.getString("phone")).isEqualTo("+14155552671");
        assertThat(contact.getList("lists")).containsExactly("newsletter", "vip");
        assertThat(contact.getInt("properties.shoeSize")).isEqualTo(41);
        assertThat(contact.getString("subscriptionStatus")).isEqualTo("pending");
        assertThat(contact.getMap("fieldModifiedAt")).containsKeys("email", "firstName", "phone", "tier", "lists",
                "properties.shoeSize");
    }

    @Test
    void aSecondContactWithTheSameEmailIsRefusedUnlessMerged() {
        String email = uniqueEmail("dup");
        String id = createContact(
                "{\"email\": \"%s\", \"firstName\": \"First\", \"lastName\": \"Keep\"}".formatted(email));

        operator().body("{\"email\": \"%s\"}".formatted(email.toUpperCase())).post("/api/contacts")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString(id));

        operator().body("{\"email\": \"%s\", \"firstName\": \"Second\"}".formatted(email))
                .post("/api/contacts?merge=true")
                .then().statusCode(200).body("id", equalTo(id)).body("firstName", equalTo("Second"))
                .body("lastName", equalTo("Keep"));
    }

    @Test
    void patchChangesOnlyTheFieldsSentAndPutReplacesTheContact() {
        String email = uniqueEmail("patch");
        String id = createContact("""
                {"email": "%s", "firstName": "Pat", "lastName": "Old", "tier": "SILVER", "properties": {"a": 1, "b": 2}}
                """.formatted(email));
        Map<String, String> before = viewer().get("/api/contacts/" + id).jsonPath().getMap("fieldModifiedAt");

        operator().body("{\"lastName\": \"New\", \"properties\": {\"a\": null, \"c\": 3}}").patch("/api/contacts/" + id)
                .then().statusCode(200)
                .body("firstName", equalTo("Pat")).body("lastName", equalTo("New")).body("tier", equalTo("SILVER"))
                .body("properties", not(hasKey("a"))).body("properties.b", equalTo(2)).body("properties.c", equalTo(3));
        Map<String, String> after = viewer().get("/api/contacts/" + id).jsonPath().getMap("fieldModifiedAt");
        assertThat(after.get("firstName")).isEqualTo(before.get("firstName"));
        assertThat(after.get("lastName")).isGreaterThan(before.get("lastName"));

        operator().body("{\"email\": \"%s\", \"firstName\": \"Put\"}".formatted(email)).put("/api/contacts/" + id)
                .then().statusCode(200).body("firstName", equalTo("Put")).body("lastName", nullValue())
                .body("tier", nullValue()).body("properties.size()", equalTo(0));
    }

    @Test
    void searchFiltersByEmailTierListAndUpdateTimeAndPages() {
        String tier = "T" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(createContact("{\"email\": \"%s\", \"tier\": \"%s\", \"lists\": [\"%s\"]}"
                    .formatted(uniqueEmail("s" + i), tier, i % 2 == 0 ? "even-" + tier : "odd-" + tier)));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonPath page = viewer().queryParam("tier", tier).queryParam("limit", 2)
                    .queryParam("cursor", cursor == null ? "" : cursor).get("/api/contacts").then().statusCode(200)
                    .extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);

        viewer().queryParam("list", "even-" + tier).get("/api/contacts").then().statusCode(200)
                .body("items.size()", equalTo(3));
        String email = viewer().get("/api/contacts/" + ids.get(0)).jsonPath().getString("email");
        viewer().queryParam("email", email.toUpperCase()).get("/api/contacts").then()
                .body("items.id", contains(ids.get(0)));
        viewer().queryParam("tier", tier).queryParam("updatedSince", "2999-01-01T00:00:00Z").get("/api/contacts")
                .then().body("items.size()", equalTo(0));
    }

    @Test
    void deleteIsSoftAndFreesTheEmail() {
        String email = uniqueEmail("gone");
        String id = createContact("{\"email\": \"%s\"}".formatted(email));

        operator().delete("/api/contacts/" + id).then().statusCode(204);

        viewer().get("/api/contacts/" + id).then().statusCode(404).contentType("application/problem+json");
        operator().delete("/api/contacts/" + id).then().statusCode(404);
        viewer().queryParam("email", email).get("/api/contacts").then().body("items.size()", equalTo(0));
        String again = createContact("{\"email\": \"%s\"}".formatted(email));
        assertThat(again).isNotEqualTo(id);
        assertThat(outboxTypes(id)).containsExactly("contact.created", "contact.deleted");
    }

    @Test
    void everyChangeWritesOneOutboxEventAndANoOpWritesNone() {
        String id = createContact("{\"email\": \"%s\", \"firstName\": \"A\"}".formatted(uniqueEmail("outbox")));
        operator().body("{\"firstName\": \"B\"}").patch("/api/contacts/" + id).then().statusCode(200);
        operator().body("{\"firstName\": \"B\"}").patch("/api/contacts/" + id).then().statusCode(200);

        assertThat(outboxTypes(id)).containsExactly("contact.created", "contact.updated");
    }

    @Test
    void bulkReportsEachRecordAndMergesOnRequest() {
        String existing = uniqueEmail("bulk-existing");
        String existingId = createContact("{\"email\": \"%s\", \"firstName\": \"Old\"}".formatted(existing));
        String fresh = uniqueEmail("bulk-new");
        String body = """
                {"contacts": [
                  {"email": "%s", "firstName": "New"},
                  {"email": "not-an-email"},
                  {"email": "%s", "firstName": "Changed"},
                  {"email": "%s", "points": "many"}
                ]}""".formatted(fresh, existing, uniqueEmail("bulk-bad"));

        JsonPath refused = operator().body(body).post("/api/contacts/bulk").then().statusCode(200).extract().jsonPath();
        assertThat(refused.getInt("created")).isEqualTo(1);
        assertThat(refused.getInt("failed")).isEqualTo(3);
        assertThat(refused.getString("results[1].errors[0].field")).isEqualTo("contacts[1].email");
        assertThat(refused.getString("results[2].status")).isEqualTo("error");
        assertThat(refused.getString("results[3].errors[0].field")).isEqualTo("contacts[3].points");

        JsonPath merged = operator().body(body).post("/api/contacts/bulk?merge=true").then().statusCode(200)
                .extract().jsonPath();
        assertThat(merged.getList("results.status")).containsExactly("unchanged", "error", "updated", "error");
        assertThat(merged.getString("results[2].id")).isEqualTo(existingId);
        viewer().get("/api/contacts/" + existingId).then().body("firstName", equalTo("Changed"));
    }

    @Test
    void bulkTakesTenThousandContactsInOneCallAndRefusesMore() {
        String prefix = UUID.randomUUID().toString().substring(0, 8);
        StringBuilder body = new StringBuilder("{\"contacts\": [");
        for (int i = 0; i < 10_000; i++) {
            body.append(i == 0 ? "" : ",").append("{\"email\": \"b").append(i).append('.').append(prefix)
                    .append("@example.com\", \"points\": ").append(i).append('}');
        }
        operator().body(body + "]}").post("/api/contacts/bulk").then().statusCode(200)
                .body("created", equalTo(10_000)).body("failed", equalTo(0));
        viewer().queryParam("email", "b9999." + prefix + "@example.com").get("/api/contacts")
                .then().body("items[0].points", equalTo(9999));

        operator().body(body + ",{\"email\": \"one-more." + prefix + "@example.com\"}]}").post("/api/contacts/bulk")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", hasItem("contacts"));
    }

    @Test
    void komoEventsChangeTheContactAndReachTheOutbox() {
        String id = createContact("{\"email\": \"%s\", \"points\": 10}".formatted(uniqueEmail("events")));

        operator()
                .body("{\"type\": \"points.awarded\", \"contactId\": \"%s\", \"data\": {\"points\": 15}}".formatted(id))
                .post("/api/events").then().statusCode(201).body("contact.points", equalTo(25));
        operator()
                .body("{\"type\": \"tier.changed\", \"contactId\": \"%s\", \"data\": {\"tier\": \"GOLD\"}}"
                        .formatted(id))
                .post("/api/events").then().statusCode(201);
        operator().body("""
                {"type": "competition.entered", "contactId": "%s", "occurredAt": "2030-01-01T00:00:00Z",
                 "data": {"competitionId": "summer"}}""".formatted(id))
                .post("/api/events").then().statusCode(201);

        viewer().get("/api/contacts/" + id).then().body("points", equalTo(25)).body("tier", equalTo("GOLD"))
                .body("lastActivityAt", equalTo("2030-01-01T00:00:00Z"));
        assertThat(outboxTypes(id)).containsExactly("contact.created", "points.awarded", "contact.updated",
                "tier.changed", "contact.updated", "competition.entered", "contact.updated");
    }

    private List<String> outboxTypes(String contactId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c
                        .prepareStatement("SELECT type FROM change_event WHERE contact_id = ? ORDER BY seq")) {
            read.setObject(1, UUID.fromString(contactId));
            List<String> types = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            return types;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
