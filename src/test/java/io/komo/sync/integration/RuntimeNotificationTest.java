package io.komo.sync.integration;

import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.komo.sync.testing.DeletesCreatedIntegrations;
import io.komo.sync.testing.TestPlatformConnector;

/** The runtime hears of committed changes only: in order, with the state they left. */
@QuarkusTest
@ExtendWith(DeletesCreatedIntegrations.class)
@TestProfile(RuntimeNotificationTest.WithRecordingRuntime.class)
class RuntimeNotificationTest {

    public static class WithRecordingRuntime implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(RecordingRuntime.class);
        }
    }

    @Inject
    RecordingRuntime runtime;

    @Test
    void everyCommittedChangeIsAppliedAndRefusedOnesAreNot() {
        String id = "runtime-" + UUID.randomUUID().toString().substring(0, 8);
        String body = """
                {"id": "%s", "platform": "%s", "mapping": [{"komo": "email", "external": "email"}]}
                """.formatted(id, TestPlatformConnector.PLATFORM);
        admin().body(body).post("/api/integrations").then().statusCode(201);
        admin().body(body).post("/api/integrations").then().statusCode(409);
        io.komo.sync.testing.Api.forceActivate(id);
        operator().post("/api/integrations/" + id + "/resume").then().statusCode(409);
        operator().post("/api/integrations/" + id + "/pause").then().statusCode(200);
        admin().body(body.replace("\"email\"}]", "\"email\"}], \"name\": \"Renamed\"")).put("/api/integrations/" + id)
                .then().statusCode(200);
        admin().delete("/api/integrations/" + id).then().statusCode(204);

        assertThat(runtime.calls().stream().filter(call -> call.contains(id)))
                .containsExactly("apply " + id + " draft", "apply " + id + " active", "apply " + id + " paused",
                        "apply " + id + " paused", "remove " + id);
    }
}
