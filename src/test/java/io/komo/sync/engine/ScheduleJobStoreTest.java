package io.komo.sync.engine;

import static io.komo.sync.engine.WebhookIntegrations.MAPPING;
import static io.komo.sync.engine.WebhookIntegrations.uniqueId;
import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.CamelJob;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.TriggerBuilder;

import io.komo.sync.connector.webhook.WebhookReceiverFake;
import io.komo.sync.schedule.ClusteredScheduler;
import io.komo.sync.schedule.ScheduleTriggers;
import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.ProductionPath;

/**
 * An integration's schedule as the clustered job store keeps it: the rows every replica's scheduler reads
 * follow the integration through the API, and a schedule fires from them.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
class ScheduleJobStoreTest {

    @Inject
    DataSource dataSource;

    @Inject
    ClusteredScheduler quartz;

    @Inject
    ScheduleTriggers triggers;

    @Inject
    CamelContext camel;

    @RegisterExtension
    static final WebhookReceiverFake platform = WebhookReceiverFake.eachTest();

    private record StoredCron(String expression, String timeZone, String jobClass) {
    }

    /** The integration's trigger as Quartz stored it, read straight from its tables. */
    private Optional<StoredCron> storedCron(String integrationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement(
                        """
                                select c.cron_expression, c.time_zone_id, j.job_class_name
                                  from qrtz_triggers t
                                  join qrtz_cron_triggers c using (sched_name, trigger_name, trigger_group)
                                  join qrtz_job_details j on j.sched_name = t.sched_name and j.job_name = t.job_name and j.job_group = t.job_group
                                 where t.sched_name = 'komo-sync' and t.trigger_group = 'komo-schedules' and t.trigger_name = ?""")) {
            q.setString(1, integrationId);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredCron(rs.getString(1), rs.getString(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    private boolean jobStored(String integrationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement(
                        "select count(*) from qrtz_job_details where sched_name = 'komo-sync' and job_group = 'komo-schedules' and job_name = ?")) {
            q.setString(1, integrationId);
            try (ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    private String definition(String id, String trigger) {
        return """
                {"id": "%s", "platform": "webhook", "direction": "outbound", "auth": {"type": "none"},
                 "endpoint": {"baseUrl": "%s"}, "scope": {"filter": "tier == 'NONE'"}, "trigger": %s, "mapping": %s}"""
                .formatted(id, platform.baseUrl(), trigger, MAPPING);
    }

    @Test
    void theTriggerIsStoredWithTheIntegrationsCronAndZoneAndFollowsEveryChange() throws Exception {
        String id = uniqueId("stored");
        admin().body(definition(id,
                "{\"realtime\": false, \"schedule\": \"0 0 9 * * ?\", \"timezone\": \"America/New_York\"}"))
                .post("/api/integrations").then().statusCode(201);
        assertThat(storedCron(id)).contains(new StoredCron("0 0 9 * * ?", "America/New_York",
                "org.apache.camel.component.quartz.CamelJob"));

        admin().body(definition(id,
                "{\"realtime\": false, \"schedule\": \"0 30 6 ? * MON-FRI\", \"timezone\": \"Europe/Berlin\"}"))
                .put("/api/integrations/" + id).then().statusCode(200);
        assertThat(storedCron(id)).map(StoredCron::expression).contains("0 30 6 ? * MON-FRI");
        assertThat(storedCron(id)).map(StoredCron::timeZone).contains("Europe/Berlin");

        // Only the zone changes: camel-quartz alone would keep the trigger of the old zone.
        admin().body(definition(id,
                "{\"realtime\": false, \"schedule\": \"0 30 6 ? * MON-FRI\", \"timezone\": \"Asia/Tokyo\"}"))
                .put("/api/integrations/" + id).then().statusCode(200);
        assertThat(storedCron(id)).map(StoredCron::timeZone).contains("Asia/Tokyo");

        admin().body(definition(id, "{\"realtime\": false}")).put("/api/integrations/" + id).then().statusCode(200);
        assertThat(storedCron(id)).isEmpty();
        assertThat(jobStored(id)).isFalse();
    }

    @Test
    void pausingDeletesTheTriggerResumingStoresItAgainAndDeletingTheIntegrationDeletesIt() throws Exception {
        String id = uniqueId("paused");
        admin().body(definition(id, "{\"realtime\": false, \"schedule\": \"0 15 * * * ?\", \"timezone\": \"UTC\"}"))
                .post("/api/integrations").then().statusCode(201);
        io.komo.sync.testing.Api.forceActivate(id);
        assertThat(storedCron(id)).isPresent();

        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        assertThat(storedCron(id)).isEmpty();
        operator().post("/api/integrations/" + id + "/resume").then().statusCode(200);
        assertThat(storedCron(id)).map(StoredCron::expression).contains("0 15 * * * ?");

        admin().delete("/api/integrations/" + id).then().statusCode(204);
        assertThat(storedCron(id)).isEmpty();
        assertThat(jobStored(id)).isFalse();
    }

    @Test
    void aScheduleFiresFromTheJobStoreAndStartsAnIncrementalRun() throws Exception {
        String id = uniqueId("fires");
        admin().body(definition(id, "{\"realtime\": false, \"schedule\": \"* * * * * ?\", \"timezone\": \"UTC\"}"))
                .post("/api/integrations").then().statusCode(201);
        io.komo.sync.testing.Api.forceActivate(id);
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs")
                    .then().body("items.size()", greaterThanOrEqualTo(1)));
            assertThat(viewer().get("/api/integrations/" + id + "/runs").jsonPath().getList("items.type"))
                    .containsOnly("incremental");
        } finally {
            admin().delete("/api/integrations/" + id).then().statusCode(204);
        }
    }

    /**
     * Another replica activated the integration: this one still has it as a draft, and (as after a restart
     * of the other) without a schedule route, when the shared trigger fires here.
     */
    @Test
    void aScheduleFiringOnAReplicaThatDoesNotRunItYetCatchesUpAndStartsTheRun() throws Exception {
        String id = uniqueId("lagging");
        admin().body(definition(id, "{\"realtime\": false, \"schedule\": \"* * * * * ?\", \"timezone\": \"UTC\"}"))
                .post("/api/integrations").then().statusCode(201);
        try (Connection c = dataSource.getConnection();
                PreparedStatement activate = c
                        .prepareStatement("update integration set status = 'active' where id = ?")) {
            activate.setString(1, id);
            assertThat(activate.executeUpdate()).isOne();
        }
        camel.getRouteController().stopRoute(id + ".schedule");
        camel.removeRoute(id + ".schedule");
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> viewer().get("/api/integrations/" + id + "/runs")
                    .then().body("items.size()", greaterThanOrEqualTo(1)));
            assertThat(camel.getRoute(id + ".schedule")).isNotNull();
        } finally {
            admin().delete("/api/integrations/" + id).then().statusCode(204);
        }
    }

    @Test
    void aTriggerWhoseIntegrationIsGoneIsDeletedWhenItFires() throws Exception {
        String gone = uniqueId("gone");
        quartz.scheduler().scheduleJob(
                JobBuilder.newJob(CamelJob.class).withIdentity(gone, ScheduleTriggers.GROUP).build(),
                TriggerBuilder.newTrigger().withIdentity(ScheduleTriggers.key(gone))
                        .withSchedule(CronScheduleBuilder.cronSchedule("* * * * * ?")).build());
        await().atMost(Duration.ofSeconds(30)).until(() -> storedCron(gone).isEmpty() && !jobStored(gone));
    }

    /** What start-up does after applying the stored integrations, with the integrations really stored. */
    @Test
    void theCleanUpDeletesATriggerWhoseIntegrationIsGoneAndKeepsTheOthers() throws Exception {
        String kept = uniqueId("kept");
        admin().body(definition(kept, "{\"realtime\": false, \"schedule\": \"0 0 3 * * ?\", \"timezone\": \"UTC\"}"))
                .post("/api/integrations").then().statusCode(201);
        // What a replica that stopped before it could delete an integration's trigger leaves behind.
        String gone = uniqueId("gone");
        quartz.scheduler().scheduleJob(
                JobBuilder.newJob(CamelJob.class).withIdentity(gone, ScheduleTriggers.GROUP).build(),
                TriggerBuilder.newTrigger().withIdentity(ScheduleTriggers.key(gone))
                        .withSchedule(CronScheduleBuilder.cronSchedule("0 0 3 * * ?")).build());
        assertThat(storedCron(gone)).isPresent();

        triggers.removeOrphans(this::storedIntegrationIds);

        assertThat(storedCron(gone)).isEmpty();
        assertThat(jobStored(gone)).isFalse();
        assertThat(storedCron(kept)).isPresent();
    }

    private Set<String> storedIntegrationIds() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement q = c.prepareStatement("select id from integration");
                ResultSet rs = q.executeQuery()) {
            Set<String> ids = new HashSet<>();
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
