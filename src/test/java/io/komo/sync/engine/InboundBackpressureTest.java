package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.storeSigningSecret;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.security.StandardWebhooks;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ProductionPath;

/**
 * Backpressure on {@code POST /webhooks/{id}}: past an integration's inbound backlog bound a new webhook gets 429 with
 * Retry-After, a message already acknowledged still gets its 202, and the status shows the lag. A paused integration
 * applies nothing, which builds a backlog.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class InboundBackpressureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    DataSource dataSource;

    /** The platform's side: one message, signed at the time of each (re)delivery with the same webhook-id. */
    private record Message(String id, String body) {

        Response deliver(String integrationId, String secret) {
            Map<String, String> headers = StandardWebhooks.fromSecret(secret).signedHeaders(id,
                    Instant.now().getEpochSecond(), body);
            return given().headers(headers).contentType("application/json").body(body)
                    .post("/webhooks/" + integrationId);
        }
    }

    private static Message message(String externalId, String email) {
        return new Message(StandardWebhooks.newMessageId(),
                "{\"id\": \"%s\", \"email\": \"%s\", \"first_name\": \"Bo\"}".formatted(externalId, email));
    }

    private record Platform(String integrationId, String secret) {

        Response deliver(Message message) {
            return message.deliver(integrationId, secret);
        }
    }

    /** An active inbound integration with the given definition members, then paused; its webhook route is up. */
    private static Platform pausedIntegration(String name, String members) {
        String id = uniqueId(name);
        String secret = storeSigningSecret(id + "-signing");
        createActive(id, """
                "direction": "inbound", "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"},
                "auth": {"type": "none", "secretCredential": "%s-signing"}, %s"mapping": %s"""
                .formatted(id, members, MAPPING));
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> given().contentType("application/json").body("{}")
                .post("/webhooks/" + id).then().statusCode(401));
        return new Platform(id, secret);
    }

    @Test
    void aRedeliveryOfAStoredMessageIsAcknowledgedWithItsIdAndStoredOnce() throws Exception {
        Platform platform = pausedIntegration("redeliver", "");
        Message message = message("ext-1", uniqueEmail("redeliver"));

        String first = platform.deliver(message).then().statusCode(202).extract().path("id");
        String again = platform.deliver(message).then().statusCode(202).extract().path("id");

        assertThat(again).isEqualTo(first);
        assertThat(stored(platform.integrationId())).isEqualTo(1);
    }

    @Test
    void pastTheBoundANewWebhookIsRefusedWithRetryAfterWhileWhatWasAcknowledgedIsStillAccepted() throws Exception {
        Platform platform = pausedIntegration("bound", "\"inbound\": {\"maxBacklog\": 3}, ");
        String id = platform.integrationId();
        String[] emails = new String[3];
        Message[] accepted = new Message[3];
        String[] storedAs = new String[3];
        for (int i = 0; i < 3; i++) {
            emails[i] = uniqueEmail("bound" + i);
            accepted[i] = message("ext-" + i, emails[i]);
            storedAs[i] = platform.deliver(accepted[i]).then().statusCode(202).extract().path("id");
        }

        Response refused = platform.deliver(message("ext-late", uniqueEmail("late")));

        refused.then().statusCode(429).contentType("application/problem+json").body("status", equalTo(429))
                .body("maxBacklog", equalTo(3)).body("backlog", equalTo(3));
        long retryAfter = Long.parseLong(refused.getHeader("Retry-After"));
        assertThat(retryAfter).as("nothing is applied while paused: the cap, 5 min").isEqualTo(300);
        assertThat(refused.jsonPath().getLong("retryAfterSeconds")).isEqualTo(retryAfter);
        assertThat(stored(id)).as("the refused webhook is not stored").isEqualTo(3);

        assertThat(platform.deliver(accepted[1]).then().statusCode(202).extract().<String>path("id"))
                .as("a redelivery of an acknowledged message, over the bound").isEqualTo(storedAs[1]);
        assertThat(given().contentType("application/json").body("{}").post("/webhooks/" + id).statusCode())
                .as("the signature is checked before the bound").isEqualTo(401);

        await().atMost(WAIT).untilAsserted(() -> {
            JsonPath status = viewer().get("/api/integrations/" + id + "/status").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(status.getLong("inbound.backlog")).isEqualTo(3);
            assertThat(status.getLong("inbound.maxBacklog")).isEqualTo(3);
            assertThat(status.getBoolean("inbound.refusing")).isTrue();
            assertThat(status.getLong("inbound.refusedToday")).isEqualTo(1);
            assertThat(status.getString("inbound.oldestWaitingSeconds")).as("waiting since the first push").isNotNull();
            assertThat(status.getString("health")).isEqualTo("inactive");
            assertThat(status.getList("healthReasons", String.class))
                    .contains("inbound backlog at its bound: new webhooks are refused with 429");
        });
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("komo_inbound_backlog{integration=\"" + id + "\"} 3.0")
                .contains("komo_inbound_webhooks_refused_total{integration=\"" + id + "\"} 1.0");

        operator().post("/api/integrations/" + id + "/resume").then().statusCode(200);

        await().atMost(WAIT).untilAsserted(() -> viewer().get("/api/integrations/" + id + "/status").then()
                .body("inbound.backlog", equalTo(0)).body("inbound.refusing", equalTo(false))
                .body("health", equalTo("healthy")));
        for (String email : emails) {
            await().atMost(WAIT).untilAsserted(() -> viewer().queryParam("email", email).get("/api/contacts").then()
                    .body("items.size()", equalTo(1)));
        }
        platform.deliver(message("ext-after", uniqueEmail("after"))).then().statusCode(202);
    }

    @Test
    void aBoundThatIsNotAPositiveWholeNumberIsRefusedWhenSaved() {
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "inbound", "inbound": {"maxBacklog": 0}}"""
                .formatted(uniqueId("bad-bound"))).post("/api/integrations").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("inbound.maxBacklog"));
    }

    @Test
    void anOutboundOnlyIntegrationsStatusHasNoInboundPart() {
        String id = uniqueId("out-only");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "http://127.0.0.1:9/contacts"},
                "auth": {"type": "none"}, "mapping": %s""".formatted(MAPPING));

        viewer().get("/api/integrations/" + id + "/status").then().statusCode(200)
                .body("containsKey('inbound')", equalTo(false)).body("healthReasons.size()", equalTo(0));
    }

    private long stored(String integrationId) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count = c.prepareStatement(
                        "SELECT count(*) FROM webhook_delivery WHERE direction = 'inbound' AND integration_id = ?")) {
            count.setString(1, integrationId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
