package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.createActive;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.CronTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerKey;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.run.ScheduledRuns;
import io.komo.sync.testing.DeletesCreatedIntegrations;

/** Historical syncs, test syncs and schedules of an integration, on the webhook platform. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class RunsTestSyncAndScheduleTest {

    @Inject
    CamelContext camel;

    @Inject
    ScheduledRuns scheduledRuns;

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    /** Outbound, not real time: only runs and test syncs send anything. */
    private String batchIntegration(String scope) {
        String id = uniqueId("batch");
        createActive(id, """
                "direction": "outbound", "endpoint": {"baseUrl": "%s", "path": "/contacts"}, "auth": {"type": "none"},
                "trigger": {"realtime": false}, "batchSize": 100, "scope": {"filter": "%s"}, "mapping": %s"""
                .formatted(platform.baseUrl(), scope, MAPPING));
        return id;
    }

    private List<String> tierContacts(String tier, int count) {
        StringBuilder bulk = new StringBuilder("{\"contacts\": [");
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = tier.toLowerCase() + i + "@example.com";
            emails.add(email);
            bulk.append(i == 0 ? "" : ",").append("{\"email\": \"%s\", \"firstName\": \"N%d\", \"tier\": \"%s\"}"
                    .formatted(email, i, tier));
        }
        operator().body(bulk + "]}").post("/api/contacts/bulk?merge=true").then().statusCode(200);
        return emails;
    }

    private List<String> sentEmails() {
        return platform.records().stream().map(r -> String.valueOf(r.get("email"))).toList();
    }

    @Test
    void aFullRunSendsEveryContactInScopeOnceWithProgress() {
        String tier = "RUN" + uniqueId("t").substring(2, 10).toUpperCase().replace("-", "");
        List<String> emails = tierContacts(tier, 250);
        String id = batchIntegration("tier == '" + tier + "'");

        JsonPath started = operator().body("{\"type\": \"full\"}").post("/api/integrations/" + id + "/runs")
                .then().statusCode(202).extract().jsonPath();
        String runId = started.getString("id");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs/" + runId)
                        .then().body("status", equalTo("completed")));
        JsonPath run = viewer().get("/api/integrations/" + id + "/runs/" + runId).jsonPath();
        assertThat(run.getDouble("percent")).isEqualTo(100.0);
        assertThat(run.getLong("processed")).isEqualTo(run.getLong("total"));
        assertThat(sentEmails()).filteredOn(emails::contains).hasSize(250).doesNotHaveDuplicates();

        // A second full run finds nothing changed since the last agreed values: nothing is sent again.
        String again = operator().body("{\"type\": \"full\"}").post("/api/integrations/" + id + "/runs").jsonPath()
                .getString("id");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs/" + again)
                        .then().body("status", equalTo("completed")));
        assertThat(sentEmails()).filteredOn(emails::contains).hasSize(250);
        viewer().get("/api/integrations/" + id + "/runs").then().body("items.id", hasItem(again));
        double processedPerRun = (run.getLong("processed")
                + viewer().get("/api/integrations/" + id + "/runs/" + again).jsonPath().getLong("processed")) / 2.0;
        JsonPath status = viewer().get("/api/integrations/" + id + "/status").jsonPath();
        assertThat(status.getDouble("recordsPerSync")).isEqualTo(processedPerRun);
        assertThat(status.getDouble("averageSyncSeconds")).isNotNull();
    }

    @Test
    void aSelectiveRunSendsOnlyWhatItsFilterMatches() {
        String tier = "SEL" + uniqueId("t").substring(2, 10).toUpperCase().replace("-", "");
        List<String> emails = tierContacts(tier, 20);
        String id = batchIntegration("tier == '" + tier + "'");
        String runId = operator().body("{\"type\": \"selective\", \"filter\": \"firstName in ['N1', 'N2', 'N3']\"}")
                .post("/api/integrations/" + id + "/runs").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs/" + runId)
                        .then().body("status", equalTo("completed")));
        assertThat(sentEmails()).filteredOn(emails::contains)
                .containsExactlyInAnyOrder(emails.get(1), emails.get(2), emails.get(3));
    }

    @Test
    void badRunRequestsAreProblems() {
        String id = batchIntegration("tier == 'NONE'");
        operator().body("{\"type\": \"weekly\"}").post("/api/integrations/" + id + "/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("type"));
        operator().body("{\"type\": \"date-range\", \"from\": \"2026-01-01T00:00:00Z\"}")
                .post("/api/integrations/" + id + "/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("to"));
        operator().body("{\"type\": \"selective\", \"filter\": \"tier ==\"}").post("/api/integrations/" + id + "/runs")
                .then().statusCode(400).body("errors[0].field", equalTo("filter"));
        operator().body("{\"type\": \"full\"}").post("/api/integrations/no-such-integration/runs").then()
                .statusCode(404);
        operator().body("{\"limit\": 0}").post("/api/integrations/" + id + "/test-sync").then().statusCode(400)
                .body("errors[0].field", equalTo("limit"));
    }

    @Test
    void aDryTestSyncShowsEachFieldItWouldChangeAndWritesNothingThenALiveOneSendsOnlyThose() {
        String tier = "TS" + uniqueId("t").substring(2, 10).toUpperCase().replace("-", "");
        List<String> emails = tierContacts(tier, 5);
        String id = batchIntegration("tier == '" + tier + "'");

        JsonPath dry = operator().body("{\"limit\": 2, \"dryRun\": true}")
                .post("/api/integrations/" + id + "/test-sync")
                .then().statusCode(200).extract().jsonPath();
        assertThat(dry.getList("results")).hasSize(2);
        assertThat(dry.getString("results[0].action")).isEqualTo("create");
        List<Map<String, Object>> changes = dry.getList("results[0].changes");
        assertThat(changes).anySatisfy(c -> {
            assertThat(c.get("field")).isEqualTo("tier");
            assertThat(c.get("from")).isNull();
            assertThat(c.get("to")).isEqualTo(tier);
        });
        assertThat(platform.received()).as("a dry run sends nothing").isEmpty();

        JsonPath live = operator().body("{\"limit\": 2, \"dryRun\": false}")
                .post("/api/integrations/" + id + "/test-sync")
                .then().statusCode(200).extract().jsonPath();
        assertThat(live.getList("results.action")).containsOnly("created");
        assertThat(sentEmails()).filteredOn(emails::contains).hasSize(2);

        JsonPath dryAgain = operator().body("{\"limit\": 2, \"dryRun\": true}")
                .post("/api/integrations/" + id + "/test-sync")
                .jsonPath();
        assertThat(dryAgain.getList("results.action")).containsOnly("unchanged");
    }

    /** The runs list pages like every other list: {@code ?limit=&cursor=}, newest first, no run twice, none left out. */
    @Test
    void theRunsListPagesWithItsCursor() {
        String id = batchIntegration("tier == 'NONE'");
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            started.add(operator().body("{\"type\": \"full\"}").post("/api/integrations/" + id + "/runs")
                    .then().statusCode(202).extract().path("id"));
        }

        List<String> listed = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 3; page++) {
            io.restassured.specification.RequestSpecification request = viewer().queryParam("limit", 1);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath answer = request.get("/api/integrations/" + id + "/runs").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(answer.getList("items")).hasSize(1);
            listed.add(answer.getString("items[0].id"));
            cursor = answer.getString("nextCursor");
            assertThat(cursor).as("page %d of 3 has a next cursor exactly when a page follows", page + 1)
                    .matches(c -> (c != null) == (listed.size() < 3));
        }
        assertThat(listed).as("newest first, each run once").containsExactly(started.get(2), started.get(1),
                started.get(0));

        viewer().queryParam("limit", 2).get("/api/integrations/" + id + "/runs").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("nextCursor", org.hamcrest.Matchers.notNullValue());
        viewer().queryParam("cursor", "not-a-cursor").get("/api/integrations/" + id + "/runs").then().statusCode(400)
                .body("errors[0].field", equalTo("cursor"));
    }

    @Test
    void aScheduleFiringOnEveryReplicaStartsOneRun() {
        String id = batchIntegration("tier == 'NONE'");
        Date fireTime = Date.from(java.time.Instant.parse("2030-03-01T14:00:00Z"));
        // Two replicas' schedulers fire the same cron at the same scheduled time.
        scheduledRuns.start(id, fireTime);
        scheduledRuns.start(id, fireTime);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs")
                .then().body("items.size()", equalTo(1)).body("items[0].type", equalTo("incremental")));
    }

    @Test
    void aScheduleFiresAtTheLocalTimeOfItsZone() throws Exception {
        String id = uniqueId("sched");
        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "outbound", "auth": {"type": "none"},
                 "endpoint": {"baseUrl": "%s"}, "trigger": {"realtime": false, "schedule": "0 0 9 * * ?",
                 "timezone": "America/New_York"}, "mapping": %s}""".formatted(id, platform.baseUrl(), MAPPING))
                .post("/api/integrations").then().statusCode(201);

        QuartzComponent quartz = camel.getComponent("quartz", QuartzComponent.class);
        Trigger trigger = quartz.getScheduler().getTrigger(TriggerKey.triggerKey(id, "komo-schedules"));
        assertThat(trigger).isInstanceOf(CronTrigger.class);
        CronTrigger cron = (CronTrigger) trigger;
        assertThat(cron.getTimeZone().getID()).isEqualTo("America/New_York");
        ZoneId newYork = ZoneId.of("America/New_York");
        // In July New York is UTC-4, in January UTC-5: the fire time follows the zone, not a fixed offset.
        for (LocalDateTime from : List.of(LocalDateTime.of(2030, 7, 1, 12, 0), LocalDateTime.of(2030, 1, 10, 12, 0))) {
            Date next = cron.getFireTimeAfter(Date.from(from.atZone(newYork).toInstant()));
            ZonedDateTime local = next.toInstant().atZone(newYork);
            assertThat(local.getHour()).isEqualTo(9);
            assertThat(local.getMinute()).isZero();
            assertThat(local.toLocalDate()).isEqualTo(from.toLocalDate().plusDays(1));
        }

        admin().body("""
                {"id": "%s", "platform": "webhook", "direction": "outbound", "auth": {"type": "none"},
                 "endpoint": {"baseUrl": "%s"}, "trigger": {"realtime": false}, "mapping": %s}"""
                .formatted(id, platform.baseUrl(), MAPPING)).put("/api/integrations/" + id).then().statusCode(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> quartz.getScheduler().getTrigger(TriggerKey.triggerKey(id, "komo-schedules")) == null);
    }
}
