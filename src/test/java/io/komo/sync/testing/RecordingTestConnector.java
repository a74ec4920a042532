package io.komo.sync.testing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.connector.spi.ActivityRecord;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.WebhookVerdict;

/**
 * A platform for tests, {@code test-recording}: upserts go to {@link RecordingPlatformRoutes#ENDPOINT}
 * (through the engine's {@code ConnectorCalls}, as real calls do), which records what arrived. Its
 * records are matched by email; keys containing {@link #REJECT} are refused per record (permanently),
 * and a batch containing {@link #FAIL_500} makes the platform answer HTTP 500 (retryable). Komo events arrive
 * as activities ({@link #activities()}).
 */
@ApplicationScoped
public class RecordingTestConnector implements Connector {

    public static final String PLATFORM = "test-recording";
    public static final String REJECT = "reject";
    public static final String FAIL_500 = "fail500";
    private static final TypeReference<List<OutboundRecord>> RECORDS = new TypeReference<>() {
    };

    private static final TypeReference<List<ActivityRecord>> ACTIVITIES = new TypeReference<>() {
    };

    private final List<OutboundRecord> received = new CopyOnWriteArrayList<>();
    private final List<ActivityRecord> activities = new CopyOnWriteArrayList<>();
    private final AtomicReference<Runnable> duringNextCall = new AtomicReference<>();

    @Inject
    ObjectMapper mapper;

    /** Every record the platform has been sent, oldest first. */
    public List<OutboundRecord> received() {
        return List.copyOf(received);
    }

    /** Every activity (Komo event) the platform has been sent, oldest first. */
    public List<ActivityRecord> activities() {
        return List.copyOf(activities);
    }

    void receiveActivities(String body) throws JsonProcessingException {
        activities.addAll(mapper.readValue(body, ACTIVITIES));
    }

    /** Runs once, while the platform handles its next call: what happens elsewhere during a platform call. */
    public void duringNextCall(Runnable action) {
        duringNextCall.set(action);
    }

    void receive(String body) throws JsonProcessingException {
        Runnable action = duringNextCall.getAndSet(null);
        if (action != null) {
            action.run();
        }
        received.addAll(mapper.readValue(body, RECORDS));
    }

    @Override
    public String platform() {
        return PLATFORM;
    }

    @Override
    public ConnectorDefaults defaults() {
        return new ConnectorDefaults(100, 1000, 1, null, "email");
    }

    @Override
    public PreparedCall upsert(ConnectorContext context, List<OutboundRecord> batch) {
        try {
            return new PreparedCall("POST", RecordingPlatformRoutes.ENDPOINT, null, mapper.writeValueAsString(batch));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Activities go to their own endpoint of the test platform, {@link RecordingPlatformRoutes#ACTIVITIES}. */
    @Override
    public Optional<PreparedCall> activities(ConnectorContext context, List<ActivityRecord> batch) {
        try {
            return Optional.of(new PreparedCall("POST", RecordingPlatformRoutes.ACTIVITIES, null,
                    mapper.writeValueAsString(batch)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<RecordResult> upsertResults(ConnectorContext context, List<OutboundRecord> batch, CallOutcome outcome) {
        return batch.stream().map(record -> record.key() != null && record.key().contains(REJECT)
                ? RecordResult.failed("the test platform rejects " + record.key(), false)
                : RecordResult.ok(record.externalId() != null ? record.externalId() : "ext-" + record.contactId(),
                        record.externalId() == null))
                .toList();
    }

    @Override
    public List<FieldDescriptor> describeFields(ConnectorContext context) {
        return List.of();
    }

    @Override
    public PreparedCall connectionTest(ConnectorContext context) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public PreparedCall delete(ConnectorContext context, OutboundRecord record) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public PreparedCall readChangedSince(ConnectorContext context, Instant since, String cursor, int pageSize) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public ChangedPage changedPage(ConnectorContext context, CallOutcome outcome) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public WebhookVerdict verifyWebhook(ConnectorContext context, InboundWebhook webhook) {
        throw new UnsupportedOperationException("not needed by the tests");
    }

    @Override
    public List<InboundRecord> parseWebhook(ConnectorContext context, InboundWebhook webhook) {
        throw new UnsupportedOperationException("not needed by the tests");
    }
}
