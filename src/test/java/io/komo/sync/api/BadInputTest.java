package io.komo.sync.api;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

import java.util.UUID;
import java.util.stream.Stream;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every endpoint answers bad input with a 4xx problem document and keeps what it had. */
@QuarkusTest
class BadInputTest {

    record Write(String method, String path) {
        ValidatableResponse send(RequestSpecification request) {
            return request.request(method, path.replace("{id}", existingId())).then();
        }
    }

    private static String existing;

    private static String existingId() {
        if (existing == null) {
            existing = createContact(
                    "{\"email\": \"%s\", \"firstName\": \"Keep\"}".formatted(uniqueEmail("bad-input")));
        }
        return existing;
    }

    static Stream<Write> writes() {
        return Stream.of(new Write("POST", "/api/contacts"), new Write("PUT", "/api/contacts/{id}"),
                new Write("PATCH", "/api/contacts/{id}"), new Write("POST", "/api/contacts/bulk"),
                new Write("POST", "/api/events"));
    }

    @ParameterizedTest
    @MethodSource("writes")
    void malformedJsonIsA400Problem(Write write) {
        problem(write.send(operator().body("{\"email\": ")), 400).body("title", equalTo("Malformed JSON"));
        problem(write.send(operator().body("not json at all")), 400);
    }

    @ParameterizedTest
    @MethodSource("writes")
    void aBodyOfTheWrongShapeIsA400Problem(Write write) {
        problem(write.send(operator().body("\"just a string\"")), 400);
        problem(write.send(operator().body("42")), 400);
    }

    @ParameterizedTest
    @MethodSource("writes")
    void anOversizedBodyIsA413Problem(Write write) {
        String huge = "{\"email\": \"" + "x".repeat(17 * 1024 * 1024) + "@example.com\"}";
        problem(write.send(operator().body(huge)), 413);
    }

    @ParameterizedTest
    @MethodSource("writes")
    void aBodyThatIsNotJsonIsA415Problem(Write write) {
        problem(write.send(operator().contentType("text/plain").body("email=a@b.c")), 415);
    }

    @Test
    void wrongTypesNameEachOffendingField() {
        problem(operator().body("""
                {"email": 7, "firstName": ["x"], "points": 1.5, "lists": "a", "subscriptionStatus": "maybe",
                 "lastActivityAt": "yesterday", "properties": [], "phone": "12"}""").post("/api/contacts").then(), 400)
                .body("errors.field", hasItems("email", "firstName", "points", "lists", "subscriptionStatus",
                        "lastActivityAt", "properties", "phone"));
        problem(operator().body("{\"points\": \"ten\"}").patch("/api/contacts/" + existingId()).then(), 400)
                .body("errors[0].field", equalTo("points"));
        viewer().get("/api/contacts/" + existingId()).then().body("firstName", equalTo("Keep"));
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        problem(operator().body("{\"firstName\": \"No email\"}").post("/api/contacts").then(), 400)
                .body("errors.field", hasItem("email"));
        problem(operator().body("{\"firstName\": \"No email\"}").put("/api/contacts/" + existingId()).then(), 400)
                .body("errors.field", hasItem("email"));
        problem(operator().body("{}").post("/api/events").then(), 400)
                .body("errors.field", hasItems("type", "contactId"));
        problem(operator().body("{\"type\": \"points.awarded\", \"contactId\": \"%s\"}".formatted(existingId()))
                .post("/api/events").then(), 400).body("errors.field", hasItem("data.points"));
        problem(operator().body("{}").post("/api/contacts/bulk").then(), 400).body("errors.field", hasItem("contacts"));
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        problem(operator().body("{\"email\": \"%s\", \"favouriteColour\": \"red\"}".formatted(uniqueEmail("u")))
                .post("/api/contacts").then(), 400).body("errors[0].field", equalTo("favouriteColour"));
    }

    @Test
    void unknownIdsAre404Problems() {
        String missing = UUID.randomUUID().toString();
        for (String id : new String[]{missing, "not-a-uuid"}) {
            problem(viewer().get("/api/contacts/" + id).then(), 404);
            problem(operator().body("{\"firstName\": \"x\"}").patch("/api/contacts/" + id).then(), 404);
            problem(operator().body("{\"email\": \"%s\"}".formatted(uniqueEmail("x"))).put("/api/contacts/" + id)
                    .then(), 404);
            problem(operator().delete("/api/contacts/" + id).then(), 404);
        }
        problem(operator().body("{\"type\": \"tier.changed\", \"contactId\": \"%s\", \"data\": {\"tier\": \"GOLD\"}}"
                .formatted(missing)).post("/api/events").then(), 404);
        problem(viewer().get("/api/no-such-thing").then(), 404);
    }

    @Test
    void badQueryParametersAre400Problems() {
        problem(viewer().queryParam("limit", "lots").get("/api/contacts").then(), 400).body("errors[0].field",
                equalTo("limit"));
        problem(viewer().queryParam("limit", "0").get("/api/contacts").then(), 400);
        problem(viewer().queryParam("updatedSince", "last week").get("/api/contacts").then(), 400)
                .body("errors[0].field", equalTo("updatedSince"));
        problem(viewer().queryParam("cursor", "abc").get("/api/contacts").then(), 400);
    }

    @Test
    void aMethodTheResourceDoesNotHaveIsA405Problem() {
        problem(operator().body("{}").put("/api/contacts").then(), 405);
    }

    private static ValidatableResponse problem(ValidatableResponse response, int status) {
        return response.statusCode(status).contentType(containsString("application/problem+json"))
                .body("status", equalTo(status)).body("title", org.hamcrest.Matchers.notNullValue());
    }
}
