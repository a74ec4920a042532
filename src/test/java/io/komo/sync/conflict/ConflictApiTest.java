package io.komo.sync.conflict;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
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
class ConflictApiTest {

    @Inject
    SyncFixtures fixtures;

    @Inject
    RecordingTestConnector platform;

    private String integration;
    private String email;
    private UUID contact;
    private UUID conflict;

    /** Komo says Komo-Ann, the platform says Ext-Ann, they last agreed on Base-Ann. */
    @BeforeEach
    void parkAConflict() {
        integration = fixtures.startIntegration("conflicts", IntegrationStatus.ACTIVE);
        email = uniqueEmail("conflict");
        contact = UUID.fromString(createContact("{\"email\": \"%s\", \"firstName\": \"Komo-Ann\"}".formatted(email)));
        fixtures.syncState(integration, contact, "ext-42", Map.of("email", email, "first_name", "Base-Ann"));
        conflict = fixtures.conflict(integration, contact, "first_name", "Base-Ann", "Komo-Ann", "Ext-Ann",
                Instant.now());
    }

    @Test
    void komoWinsKeepsKomosValueAndWritesItToThePlatformAndTheBase() {
        operator().body("{\"winner\": \"komo\"}").post("/api/conflicts/" + conflict + "/resolve").then().statusCode(200)
                .body("status", equalTo("resolved")).body("resolution.winner", equalTo("komo"))
                .body("resolution.value", equalTo("Komo-Ann")).body("resolvedBy", equalTo("test-operator"))
                .body("resolvedAt", notNullValue());

        assertBothSidesAndBaseHold("Komo-Ann");
    }

    @Test
    void aContactWrittenWhileThePlatformIsCalledDoesNotFailTheResolution() {
        platform.duringNextCall(() -> operator().body("{\"lastName\": \"Meanwhile\"}").patch("/api/contacts/" + contact)
                .then().statusCode(200));
        operator().body("{\"winner\": \"external\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(200);
        viewer().get("/api/contacts/" + contact).then().body("firstName", equalTo("Ext-Ann"))
                .body("lastName", equalTo("Meanwhile"));
    }

    @Test
    void externalWinsWritesThePlatformsValueToKomo() {
        operator().body("{\"winner\": \"external\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(200)
                .body("resolution.winner", equalTo("external"));

        assertBothSidesAndBaseHold("Ext-Ann");
    }

    @Test
    void anExplicitValueGoesToBothSides() {
        operator().body("{\"winner\": \"value\", \"value\": \"Annie\"}").post("/api/conflicts/" + conflict + "/resolve")
                .then().statusCode(200).body("resolution.value", equalTo("Annie"));

        assertBothSidesAndBaseHold("Annie");
    }

    private void assertBothSidesAndBaseHold(String value) {
        viewer().get("/api/contacts/" + contact).then().statusCode(200).body("firstName", equalTo(value));
        List<OutboundRecord> sent = platform.received().stream().filter(r -> contact.equals(r.contactId())).toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).externalId()).isEqualTo("ext-42");
        assertThat(sent.get(0).key()).isEqualTo(email);
        assertThat(sent.get(0).fields()).containsEntry("first_name", value);
        assertThat(fixtures.base(integration, contact)).containsEntry("first_name", value).containsEntry("email",
                email);
    }

    @Test
    void aResolvedConflictCannotBeResolvedAgain() {
        operator().body("{\"winner\": \"komo\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(200);
        operator().body("{\"winner\": \"external\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("already resolved by test-operator"));
        viewer().get("/api/contacts/" + contact).then().body("firstName", equalTo("Komo-Ann"));
    }

    @Test
    void badAnswersAreRejectedNamingTheField() {
        operator().body("{}").post("/api/conflicts/" + conflict + "/resolve").then().statusCode(400)
                .body("errors[0].field", equalTo("winner"));
        operator().body("{\"winner\": \"nobody\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(400)
                .body("errors[0].field", equalTo("winner"))
                .body("errors[0].message", containsString("komo, external, value"));
        operator().body("{\"winner\": \"value\"}").post("/api/conflicts/" + conflict + "/resolve").then()
                .statusCode(400)
                .body("errors[0].field", equalTo("value"));
        viewer().get("/api/conflicts/" + conflict).then().body("status", equalTo("open"));
    }

    @Test
    void aPlatformThatRefusesTheValueLeavesTheConflictOpen() {
        UUID rejected = UUID.fromString(createContact("{\"email\": \"%s\", \"firstName\": \"Komo-Bo\"}"
                .formatted(uniqueEmail(RecordingTestConnector.REJECT))));
        UUID refused = fixtures.conflict(integration, rejected, "first_name", null, "Komo-Bo", "Ext-Bo", Instant.now());

        operator().body("{\"winner\": \"external\"}").post("/api/conflicts/" + refused + "/resolve").then()
                .statusCode(502)
                .contentType("application/problem+json").body("detail", containsString("rejected"));
        viewer().get("/api/conflicts/" + refused).then().body("status", equalTo("open"));
        viewer().get("/api/contacts/" + rejected).then().body("firstName", equalTo("Komo-Bo"));
    }

    @Test
    void listsNewestFirstFilteredAndPaged() {
        UUID newer = fixtures.conflict(integration, contact, "last_name", null, "Lee", "Li",
                Instant.now().plusSeconds(5));

        var first = viewer().get("/api/conflicts?integration={i}&contact={c}&status=open&limit=1", integration, contact)
                .then().statusCode(200).body("items.id", contains(newer.toString()))
                .body("items[0].field", equalTo("last_name")).body("items[0].baseValue", nullValue())
                .body("items[0].komoValue", equalTo("Lee")).body("items[0].externalValue", equalTo("Li"))
                .extract().jsonPath();
        viewer().get("/api/conflicts?integration={i}&contact={c}&status=open&limit=1&cursor={n}", integration, contact,
                first.getString("nextCursor")).then().statusCode(200).body("items.id", contains(conflict.toString()))
                .body("items[0].baseValue", equalTo("Base-Ann")).body("nextCursor", nullValue());
        viewer().get("/api/conflicts?integration={i}&status=resolved", integration).then().statusCode(200)
                .body("items.size()", equalTo(0));
        viewer().get("/api/conflicts?status=closed").then().statusCode(400).body("errors[0].field", equalTo("status"));
        viewer().get("/api/conflicts?contact=nope").then().statusCode(400).body("errors[0].field", equalTo("contact"));
    }

    @Test
    void unknownIdsAreNotFoundAndViewersCannotResolve() {
        viewer().get("/api/conflicts/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        viewer().get("/api/conflicts/not-an-id").then().statusCode(404);
        operator().body("{\"winner\": \"komo\"}").post("/api/conflicts/" + UUID.randomUUID() + "/resolve").then()
                .statusCode(404);
        operator().body("{\"winner\": \"komo\"}").post("/api/conflicts/not-an-id/resolve").then().statusCode(404);
        viewer().body("{\"winner\": \"komo\"}").post("/api/conflicts/" + conflict + "/resolve").then().statusCode(403);
        viewer().get("/api/conflicts/" + conflict).then().statusCode(200).body("status", equalTo("open"))
                .body("integrationId", equalTo(integration)).body("contactId", equalTo(contact.toString()));
    }
}
