package io.komo.sync.deadletter;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.RecordingTestConnector;
import io.komo.sync.testing.SyncFixtures;

@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class DeadLetterApiTest {

    @Inject
    SyncFixtures fixtures;

    @Inject
    RecordingTestConnector platform;

    private String integration;

    @BeforeEach
    void startIntegration() {
        integration = fixtures.startIntegration("dlq", IntegrationStatus.ACTIVE);
    }

    @Test
    void listsNewestFirstFilteredByIntegrationAndStatusAndPagesByCursor() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        UUID oldest = fixtures.deadLetter(integration, "deliver", UUID.randomUUID(), "{\"email\":\"a@example.com\"}",
                "open", t);
        UUID middle = fixtures.deadLetter(integration, "map", UUID.randomUUID(), "{\"email\":\"b@example.com\"}",
                "open",
                t.plusSeconds(1));
        UUID newest = fixtures.deadLetter(integration, "deliver", UUID.randomUUID(), "{\"email\":\"c@example.com\"}",
                "open",
                t.plusSeconds(2));
        UUID discarded = fixtures.deadLetter(integration, "deliver", null, null, "discarded", t.plusSeconds(3));
        fixtures.deadLetter("some-other-integration", "deliver", null, null, "open", t.plusSeconds(4));

        JsonPath first = viewer().get("/api/dead-letters?integration={i}&status=open&limit=2", integration)
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("items.id")).containsExactly(newest.toString(), middle.toString());
        assertThat(first.getString("items[0].payload.email")).isEqualTo("c@example.com");
        assertThat(first.getString("items[0].routeId")).isEqualTo(integration + ".outbound");
        assertThat(first.getString("items[1].stage")).isEqualTo("map");
        String cursor = first.getString("nextCursor");
        assertThat(cursor).isNotNull();

        viewer().get("/api/dead-letters?integration={i}&status=open&limit=2&cursor={c}", integration, cursor)
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.contains(oldest.toString()))
                .body("nextCursor", nullValue());
        viewer().get("/api/dead-letters?integration={i}", integration)
                .then().statusCode(200).body("items.size()", equalTo(4))
                .body("items[0].id", equalTo(discarded.toString()));
        viewer().get("/api/dead-letters?integration={i}&status=discarded", integration)
                .then().statusCode(200).body("items.id", org.hamcrest.Matchers.contains(discarded.toString()));

        viewer().get("/api/dead-letters/" + newest).then().statusCode(200)
                .body("integrationId", equalTo(integration)).body("status", equalTo("open"))
                .body("attempts", equalTo(1)).body("error", equalTo("HTTP 400: bad field"))
                .body("exceptionType", equalTo("PERMANENT")).body("createdAt", equalTo("2026-03-01T10:00:02Z"));
    }

    @Test
    void badListParametersAreNamed() {
        viewer().get("/api/dead-letters?status=lost").then().statusCode(400).body("errors[0].field", equalTo("status"));
        viewer().get("/api/dead-letters?cursor=nonsense").then().statusCode(400).body("errors[0].field",
                equalTo("cursor"));
        viewer().get("/api/dead-letters?limit=0").then().statusCode(400).body("errors[0].field", equalTo("limit"));
    }

    @Test
    void replaySendsTheContactsCurrentStateAndMarksTheLetterReplayed() {
        String email = uniqueEmail("replay");
        UUID contact = UUID.fromString(createContact("{\"email\": \"%s\", \"firstName\": \"Old\"}".formatted(email)));
        UUID letter = fixtures.deadLetter(integration, "deliver", contact, "{\"firstName\": \"Old\"}", "open",
                Instant.now());
        operator().body("{\"firstName\": \"New\", \"tier\": \"GOLD\"}").patch("/api/contacts/" + contact).then()
                .statusCode(200);

        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(200)
                .body("status", equalTo("replayed")).body("id", equalTo(letter.toString()));

        List<OutboundRecord> sent = platform.received().stream().filter(r -> contact.equals(r.contactId())).toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).fields()).containsEntry("first_name", "New").containsEntry("tier", "GOLD")
                .containsEntry("email", email);
        // The route recorded the delivery: the platform's id and the new base.
        assertThat(fixtures.base(integration, contact)).containsEntry("first_name", "New");
        viewer().get("/api/dead-letters/" + letter).then().body("status", equalTo("replayed"))
                .body("updatedAt", org.hamcrest.Matchers.not(equalTo(viewer().get("/api/dead-letters/" + letter)
                        .jsonPath().getString("createdAt"))));

        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("replayed"));
    }

    @Test
    void aReplayThePlatformRejectsAgainKeepsTheLetterOpenWithTheNewReason() {
        UUID contact = UUID
                .fromString(createContact("{\"email\": \"%s\"}".formatted(uniqueEmail(RecordingTestConnector.REJECT))));
        UUID letter = fixtures.deadLetter(integration, "deliver", contact, "{}", "open", Instant.now());

        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("dead-lettered again"))
                .body("detail", containsString("the test platform rejects"));

        viewer().get("/api/dead-letters/" + letter).then().body("status", equalTo("open")).body("attempts", equalTo(2))
                .body("error", containsString("the test platform rejects"));
        // The failed replay was rolled back: no second dead letter for the same record.
        assertThat(fixtures.count("SELECT count(*) FROM dead_letter WHERE contact_id = ?", contact)).isEqualTo(1);
    }

    @Test
    void aReplayWhoseDeliveryFailsKeepsTheLetterOpen() {
        UUID contact = UUID.fromString(
                createContact("{\"email\": \"%s\"}".formatted(uniqueEmail(RecordingTestConnector.FAIL_500))));
        UUID letter = fixtures.deadLetter(integration, "deliver", contact, "{}", "open", Instant.now());

        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("delivery failed"));
        viewer().get("/api/dead-letters/" + letter).then().body("status", equalTo("open"));
    }

    @Test
    void lettersThatCannotBeReplayedAreRefusedWithTheReason() {
        UUID parse = fixtures.deadLetter(integration, "parse", null, "{\"raw\": true}", "open", Instant.now());
        operator().post("/api/dead-letters/" + parse + "/replay").then().statusCode(409)
                .body("detail", containsString("cannot be replayed; fix the sender and resend"));

        UUID gone = UUID.fromString(createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("gone"))));
        operator().delete("/api/contacts/" + gone).then().statusCode(204);
        UUID ofDeleted = fixtures.deadLetter(integration, "deliver", gone, "{}", "open", Instant.now());
        operator().post("/api/dead-letters/" + ofDeleted + "/replay").then().statusCode(409)
                .body("detail", containsString("has been deleted"));
        viewer().get("/api/dead-letters/" + ofDeleted).then().body("status", equalTo("open"));

        UUID contact = UUID.fromString(createContact("{\"email\": \"%s\"}".formatted(uniqueEmail("stopped"))));
        UUID ofUnknown = fixtures.deadLetter("never-started", "deliver", contact, "{}", "open", Instant.now());
        operator().post("/api/dead-letters/" + ofUnknown + "/replay").then().statusCode(409)
                .body("detail", containsString("unknown or stopped"));

        String paused = fixtures.startIntegration("dlq-paused", IntegrationStatus.PAUSED);
        UUID ofPaused = fixtures.deadLetter(paused, "deliver", contact, "{}", "open", Instant.now());
        operator().post("/api/dead-letters/" + ofPaused + "/replay").then().statusCode(409)
                .body("detail", containsString("is paused"));
    }

    @Test
    void discardSettlesTheLetterOnce() {
        UUID letter = fixtures.deadLetter(integration, "deliver", UUID.randomUUID(), "{}", "open", Instant.now());

        operator().post("/api/dead-letters/" + letter + "/discard").then().statusCode(200).body("status",
                equalTo("discarded"));
        operator().post("/api/dead-letters/" + letter + "/discard").then().statusCode(409)
                .body("detail", containsString("is discarded"));
        operator().post("/api/dead-letters/" + letter + "/replay").then().statusCode(409);
    }

    @Test
    void unknownAndMalformedIdsAreNotFound() {
        UUID unknown = UUID.randomUUID();
        viewer().get("/api/dead-letters/" + unknown).then().statusCode(404).contentType("application/problem+json");
        operator().post("/api/dead-letters/" + unknown + "/replay").then().statusCode(404);
        operator().post("/api/dead-letters/" + unknown + "/discard").then().statusCode(404);
        viewer().get("/api/dead-letters/not-an-id").then().statusCode(404);
        operator().post("/api/dead-letters/not-an-id/replay").then().statusCode(404);
    }

    @Test
    void viewersReadButOnlyOperatorsReplayOrDiscard() {
        UUID letter = fixtures.deadLetter(integration, "deliver", UUID.randomUUID(), "{}", "open", Instant.now());

        viewer().get("/api/dead-letters/" + letter).then().statusCode(200);
        viewer().post("/api/dead-letters/" + letter + "/replay").then().statusCode(403);
        viewer().post("/api/dead-letters/" + letter + "/discard").then().statusCode(403);
        given().get("/api/dead-letters").then().statusCode(401);
        viewer().get("/api/dead-letters/" + letter).then().body("status", equalTo("open"))
                .body("attempts", greaterThan(0));
    }
}
