package io.komo.sync.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.komo.sync.api.FieldError;
import io.komo.sync.connector.spi.AuthType;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.ChangedPage;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.connector.spi.FieldDescriptor;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.connector.spi.InboundWebhook;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.connector.spi.WebhookVerdict;
import io.komo.sync.definition.DefinitionValidator;
import io.komo.sync.errors.Classification;
import io.komo.sync.errors.ErrorClassifier;

/**
 * What every connector must do, tested against the platform's fake over loopback HTTP: every connector's test extends
 * this class and supplies the connector, a context pointing at its fake, and the platform's fixtures (docs/CONNECTORS.md).
 * It then inherits the tests of
 * <ul>
 *   <li>its declarations: defaults, field list, auth types, and options the definition validator holds definitions to;</li>
 *   <li>batches: records split at the batch size as the engine splits them, one call per batch, one result per
 *       record in batch order, and per-record failures inside a batch ({@link Capability#PARTIAL_FAILURES});</li>
 *   <li>classification: every status the platform uses ({@link #statuses()}), read through the engine's
 *       {@link ErrorClassifier} built with the connector's throttle signals, as the running integration builds it;</li>
 *   <li>reading changed records page by page ({@link Capability#READ}), inbound webhook verification
 *       ({@link Capability#WEBHOOKS}) and deletes ({@link Capability#DELETE}).</li>
 * </ul>
 * A capability the subclass does not declare has its tests skipped (reported as such, never passed) and is checked to
 * be refused loudly instead.
 */
public abstract class ConnectorContractTest {

    /** What a platform offers beyond taking upserts one batch at a time. */
    protected enum Capability {
        /** The platform answers a batch per record, and may refuse some records while taking the others. */
        PARTIAL_FAILURES,
        /** Records changed on the platform can be read page by page ({@code readChangedSince}, {@code changedPage}). */
        READ,
        /** The platform pushes changes as signed webhooks ({@code verifyWebhook}, {@code parseWebhook}). */
        WEBHOOKS,
        /** Records can be deleted on the platform. */
        DELETE
    }

    /** The platform's fake as the contract drives it: a WireMock server on loopback that behaves like the platform. */
    public interface PlatformFake {

        /** {@code http://127.0.0.1:<port>}: where {@link #context} points the connector. */
        String baseUrl();

        /** The next call, whatever it is, is answered so instead of as the platform would. */
        void answerNext(int status, Map<String, String> headers, String body);

        /** How many calls the fake has received. */
        int calls();

        /** The keys (the connector's key field) of the records the platform took, in arrival order. */
        List<String> upsertedKeys();

        /** The keys of the records the platform deleted, in order. */
        List<String> deletedKeys();
    }

    /** How a status the platform answers an upsert with must be read: success, or a failure of one kind. */
    protected record StatusCase(int status, Map<String, String> headers, String body, Classification.Kind kind,
            Duration retryAfter) {

        public StatusCase withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new StatusCase(status, more, body, kind, retryAfter);
        }

        boolean succeeds() {
            return kind == null;
        }
    }

    protected static StatusCase succeeds(int status, String body) {
        return new StatusCase(status, Map.of(), body, null, null);
    }

    protected static StatusCase fails(int status, String body, Classification.Kind kind) {
        return new StatusCase(status, Map.of(), body, kind, null);
    }

    /** A throttle: the engine must wait {@code wait} before the next call. */
    protected static StatusCase throttled(int status, String body, Duration wait) {
        return new StatusCase(status, Map.of(), body, Classification.Kind.THROTTLED, wait);
    }

    /** The contract's time: connectors that sign or check timestamps are built with {@link #CLOCK}. */
    protected static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    protected static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<String> FIELD_TYPES = Set.of("text", "numeric", "datetime", "checkbox", "multiselect");

    // ---- what a connector's test supplies ----

    /** The connector under test, built with {@link #CLOCK}. */
    protected abstract Connector connector();

    /** What the platform offers beyond upserts; see {@link Capability}. */
    protected abstract Set<Capability> capabilities();

    /** The platform's fake, started for the current test (a {@code @RegisterExtension} of the subclass). */
    protected abstract PlatformFake fake();

    /**
     * A context pointing at {@code baseUrl} with working credentials (and the webhook signing secret, for
     * {@link Capability#WEBHOOKS}), and the given batch size (null: the connector's default).
     */
    protected abstract ConnectorContext context(String baseUrl, Integer batchSize);

    /**
     * Every status the platform answers an upsert with, and how each must be read. The table names at least a
     * success, a server error, a throttle, an auth failure and a permanent failure.
     */
    protected abstract List<StatusCase> statuses();

    /** The batch size the batch tests run at; the connector's default unless the platform's is too large to test. */
    protected int batchSize() {
        return connector().defaults().batchSize();
    }

    /** A record the platform takes, with a distinct key in the connector's key field. */
    protected OutboundRecord record(int i) {
        String email = "person-" + i + "@example.com";
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(connector().defaults().keyField(), email);
        fields.put("name", "Person " + i);
        return new OutboundRecord(new UUID(0, i + 1L), null, email, fields);
    }

    /** For {@link Capability#PARTIAL_FAILURES}: a record the platform refuses while it takes the rest of its batch. */
    protected OutboundRecord refusedRecord(int i) {
        throw new UnsupportedOperationException("a platform with partial failures names a record it refuses");
    }

    /** Options a definition must give (its required ones), for the options test. */
    protected Map<String, Object> requiredOptions() {
        return Map.of();
    }

    /** For {@link Capability#WEBHOOKS}: the body of a webhook announcing a change of one record, or its deletion. */
    protected String webhookBody(String externalId, String key, boolean deleted) {
        throw new UnsupportedOperationException("a platform with webhooks says what one looks like");
    }

    /** For {@link Capability#WEBHOOKS}: a request carrying {@code body} signed at {@code signedAt} as the platform signs. */
    protected InboundWebhook signedWebhook(String body, Instant signedAt) {
        throw new UnsupportedOperationException("a platform with webhooks says how it signs them");
    }

    /** For {@link Capability#WEBHOOKS}: how old a signature may be. */
    protected Duration webhookTolerance() {
        return Duration.ofMinutes(5);
    }

    // ---- declarations ----

    @Test
    void declaresItsDefaultsFieldsAndAuth() {
        Connector connector = connector();
        assertThat(connector.platform()).matches("[a-z][a-z0-9-]*");
        assertThat(connector.defaults().batchSize()).isBetween(1, 10_000);
        assertThat(connector.defaults().requestsPerWindow()).isPositive();
        assertThat(connector.defaults().windowSeconds()).isPositive();
        assertThat(connector.defaults().keyField()).isNotBlank();
        assertThat(connector.authTypes()).as("auth types").isNotEmpty();
        List<FieldDescriptor> fields = connector.describeFields(context(fake().baseUrl(), null));
        assertThat(fields).extracting(FieldDescriptor::name).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(fields).allSatisfy(field -> {
            assertThat(field.label()).as(field.name()).isNotBlank();
            assertThat(field.type()).as(field.name()).isIn(FIELD_TYPES);
        });
    }

    @Test
    void theValidatorHoldsDefinitionsToTheDeclaredOptions() {
        DefinitionValidator validator = new DefinitionValidator(ConnectorRegistry.of(connector()), "US", CLOCK);
        List<ConnectorOption> options = connector().options();
        assertThat(options).extracting(ConnectorOption::name).doesNotHaveDuplicates();
        assertThat(validate(validator, requiredOptions())).as("a definition with the required options").isEmpty();

        Map<String, Object> unknown = new LinkedHashMap<>(requiredOptions());
        unknown.put("notAnOptionOfThisPlatform", "x");
        assertThat(validate(validator, unknown)).extracting(FieldError::field)
                .containsExactly("options.notAnOptionOfThisPlatform");
        for (ConnectorOption option : options) {
            Map<String, Object> wrong = new LinkedHashMap<>(requiredOptions());
            wrong.put(option.name(),
                    option.type() == ConnectorOption.Type.TEXT ? 42 : "not-a-" + option.type().wireName());
            assertThat(validate(validator, wrong)).as(option.name()).extracting(FieldError::field)
                    .containsExactly("options." + option.name());
            if (option.required()) {
                Map<String, Object> missing = new LinkedHashMap<>(requiredOptions());
                missing.remove(option.name());
                assertThat(validate(validator, missing)).extracting(FieldError::field)
                        .containsExactly("options." + option.name());
            }
        }
    }

    private List<FieldError> validate(DefinitionValidator validator, Map<String, Object> options) {
        AuthType auth = connector().authTypes().stream().sorted().findFirst().orElseThrow();
        Map<String, Object> definition = Map.of("id", "contract-test", "platform", connector().platform(),
                "endpoint", Map.of("baseUrl", "https://platform.example.com"), "auth", Map.of("type", auth.wireName()),
                "options", options);
        return validator.validate(JSON.valueToTree(definition), null).errors();
    }

    // ---- batches ----

    @Test
    void recordsSplitAtTheBatchSizeGoOutOneCallPerBatchAndComeBackInOrder() {
        int size = batchSize();
        ConnectorContext context = context(fake().baseUrl(), size);
        List<OutboundRecord> pending = IntStream.range(0, 2 * size + 1).mapToObj(this::record).toList();
        List<RecordResult> results = new ArrayList<>();
        int batches = 0;
        // As the outbound stage splits: full batches, then what is left.
        for (int from = 0; from < pending.size(); from += size, batches++) {
            List<OutboundRecord> batch = pending.subList(from, Math.min(pending.size(), from + size));
            List<RecordResult> answered = upsert(context, batch);
            assertThat(answered).as("one result per record of the batch").hasSize(batch.size());
            results.addAll(answered);
        }
        assertThat(fake().calls()).as("one call per batch").isEqualTo(batches);
        assertThat(fake().upsertedKeys()).containsExactlyElementsOf(pending.stream().map(OutboundRecord::key).toList());
        assertThat(results).allSatisfy(result -> {
            assertThat(result.success()).isTrue();
            assertThat(result.externalId()).isNotBlank();
        });
        assertThat(results).extracting(RecordResult::externalId).doesNotHaveDuplicates();
    }

    @Test
    void aRefusedRecordFailsAloneInItsBatch() {
        assumeTrue(capabilities().contains(Capability.PARTIAL_FAILURES), "the platform fails a batch as a whole");
        assumeTrue(batchSize() >= 3, "partial failures need a batch of three");
        List<OutboundRecord> batch = List.of(record(0), refusedRecord(1), record(2));
        List<RecordResult> results = upsert(context(fake().baseUrl(), batchSize()), batch);
        assertThat(fake().calls()).isEqualTo(1);
        assertThat(results).hasSize(3);
        assertThat(results.get(0).success()).isTrue();
        assertThat(results.get(1).success()).isFalse();
        assertThat(results.get(1).error()).isNotBlank();
        assertThat(results.get(1).retryable()).as("a refused record is refused again").isFalse();
        assertThat(results.get(2).success()).isTrue();
        assertThat(fake().upsertedKeys()).containsExactly(batch.get(0).key(), batch.get(2).key());
    }

    @Test
    void aBatchAnsweredAsAWholeFailsAsAWhole() {
        assumeFalse(capabilities().contains(Capability.PARTIAL_FAILURES), "the platform answers per record");
        StatusCase failure = statuses().stream().filter(c -> !c.succeeds()).findFirst().orElseThrow();
        fake().answerNext(failure.status(), failure.headers(), failure.body());
        List<OutboundRecord> batch = IntStream.range(0, batchSize()).mapToObj(this::record).toList();
        assertThat(upsert(context(fake().baseUrl(), batchSize()), batch)).hasSize(batch.size())
                .noneMatch(RecordResult::success);
    }

    // ---- classification ----

    @Test
    void everyStatusThePlatformUsesIsClassified() {
        List<StatusCase> cases = statuses();
        assertThat(cases).as("the table names a success").anyMatch(StatusCase::succeeds);
        assertThat(cases).as("... a server error").anyMatch(c -> c.kind() == Classification.Kind.RETRYABLE);
        assertThat(cases).as("... a throttle").anyMatch(c -> c.kind() == Classification.Kind.THROTTLED);
        assertThat(cases).as("... an auth failure").anyMatch(c -> c.kind() == Classification.Kind.AUTH);
        assertThat(cases).as("... a permanent failure").anyMatch(c -> c.kind() == Classification.Kind.PERMANENT);
        // Built as the running integration builds it (CompiledIntegration).
        ErrorClassifier classifier = new ErrorClassifier(connector().throttleSignals(),
                ErrorClassifier.DEFAULT_THROTTLE_WAIT, CLOCK);
        ConnectorContext context = context(fake().baseUrl(), null);
        for (StatusCase status : cases) {
            String what = "HTTP " + status.status() + " " + status.headers() + " " + status.body();
            fake().answerNext(status.status(), status.headers(), status.body());
            List<OutboundRecord> batch = List.of(record(0));
            CallOutcome outcome = send(connector().upsert(context, batch));
            List<RecordResult> results = connector().upsertResults(context, batch, outcome);
            if (status.succeeds()) {
                assertThat(results).as(what).singleElement().satisfies(r -> assertThat(r.success()).isTrue());
                continue;
            }
            Classification classification = classifier.classify(outcome);
            assertThat(classification.kind()).as(what).isEqualTo(status.kind());
            if (status.retryAfter() != null) {
                assertThat(classification.retryAfter()).as(what).isEqualTo(status.retryAfter());
            }
            assertThat(results).as(what).singleElement().satisfies(r -> {
                assertThat(r.success()).isFalse();
                assertThat(r.error()).isNotBlank();
                assertThat(r.retryable()).as("the record's retryability agrees with the classifier")
                        .isEqualTo(classification.isRetryable());
            });
        }
    }

    // ---- reading ----

    @Test
    void changedRecordsAreReadPageByPage() {
        assumeTrue(capabilities().contains(Capability.READ), "the platform has no read API");
        ConnectorContext context = context(fake().baseUrl(), batchSize());
        List<OutboundRecord> written = IntStream.range(0, 5).mapToObj(this::record).toList();
        Set<String> ids = new HashSet<>();
        for (int from = 0; from < written.size(); from += batchSize()) {
            upsert(context, written.subList(from, Math.min(written.size(), from + batchSize())))
                    .forEach(result -> ids.add(result.externalId()));
        }
        int callsBefore = fake().calls();
        String keyField = connector().defaults().keyField();
        List<InboundRecord> read = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ChangedPage page = connector().changedPage(context,
                    send(connector().readChangedSince(context, null, cursor, 2)));
            assertThat(page.records()).as("page " + pages).hasSizeLessThanOrEqualTo(2);
            read.addAll(page.records());
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(pages).as("five records, two a page").isEqualTo(3);
        assertThat(fake().calls() - callsBefore).isEqualTo(3);
        assertThat(read).extracting(InboundRecord::externalId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(read).extracting(r -> r.fields().get(keyField))
                .containsExactlyInAnyOrderElementsOf(written.stream().map(OutboundRecord::key).toList());
    }

    @Test
    void withoutAReadApiReadingIsRefusedLoudly() {
        assumeFalse(capabilities().contains(Capability.READ), "the platform can be read");
        assertThatThrownBy(() -> connector().readChangedSince(context(fake().baseUrl(), null), null, null, 10))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- inbound webhooks ----

    @Test
    void onlyGenuineWebhooksAreAccepted() {
        assumeTrue(capabilities().contains(Capability.WEBHOOKS), "the platform sends no webhooks");
        ConnectorContext context = context(fake().baseUrl(), null);
        String body = webhookBody("ext-1", "ann@example.com", false);
        InboundWebhook genuine = signedWebhook(body, NOW.minusSeconds(30));
        assertThat(connector().verifyWebhook(context, genuine)).isEqualTo(WebhookVerdict.accepted());

        InboundWebhook tampered = new InboundWebhook(genuine.method(), genuine.pathWithQuery(), genuine.headers(),
                webhookBody("ext-1", "mallory@example.com", false));
        InboundWebhook stale = signedWebhook(body, NOW.minus(webhookTolerance()).minusSeconds(60));
        InboundWebhook unsigned = new InboundWebhook(genuine.method(), genuine.pathWithQuery(), Map.of(), body);
        for (Map.Entry<String, InboundWebhook> forged : Map
                .of("tampered", tampered, "stale", stale, "unsigned", unsigned).entrySet()) {
            WebhookVerdict verdict = connector().verifyWebhook(context, forged.getValue());
            assertThat(verdict.valid()).as(forged.getKey()).isFalse();
            assertThat(verdict.reason()).as(forged.getKey()).isNotBlank();
        }
        ConnectorContext noSecret = new ConnectorContext(context.integrationId(), context.endpoint(),
                context.authType(),
                context.batchSize(), context.options(), context.credential(), Map.of());
        assertThat(connector().verifyWebhook(noSecret, genuine).valid()).as("without a secret nothing is genuine")
                .isFalse();

        List<InboundRecord> records = connector().parseWebhook(context, genuine);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.externalId()).isEqualTo("ext-1");
            assertThat(record.fields()).containsEntry(connector().defaults().keyField(), "ann@example.com");
            assertThat(record.deleted()).isFalse();
        });
    }

    @Test
    void aWebhookAnnouncingADeletionSaysSo() {
        assumeTrue(capabilities().contains(Capability.WEBHOOKS), "the platform sends no webhooks");
        ConnectorContext context = context(fake().baseUrl(), null);
        InboundWebhook deletion = signedWebhook(webhookBody("ext-2", "bob@example.com", true), NOW);
        assertThat(connector().verifyWebhook(context, deletion).valid()).isTrue();
        assertThat(connector().parseWebhook(context, deletion)).singleElement()
                .satisfies(record -> assertThat(record.deleted()).isTrue())
                .satisfies(record -> assertThat(record.externalId()).isEqualTo("ext-2"));
    }

    @Test
    void withoutWebhooksNothingIsAccepted() {
        assumeFalse(capabilities().contains(Capability.WEBHOOKS), "the platform sends webhooks");
        InboundWebhook anything = new InboundWebhook("POST", "/webhooks/contract-test", Map.of(), "{}");
        try {
            assertThat(connector().verifyWebhook(context(fake().baseUrl(), null), anything).valid()).isFalse();
        } catch (UnsupportedOperationException refused) {
            // Refusing to verify at all is as good as rejecting.
        }
    }

    // ---- deletes ----

    @Test
    void aDeletedRecordIsGoneFromThePlatform() {
        assumeTrue(capabilities().contains(Capability.DELETE), "the platform cannot delete");
        ConnectorContext context = context(fake().baseUrl(), null);
        OutboundRecord written = record(0);
        RecordResult created = upsert(context, List.of(written)).get(0);
        OutboundRecord known = new OutboundRecord(written.contactId(), created.externalId(), written.key(),
                written.fields());
        CallOutcome outcome = send(connector().delete(context, known));
        assertThat(outcome.isSuccess()).as("HTTP %s %s", outcome.status(), outcome.body()).isTrue();
        assertThat(fake().deletedKeys()).containsExactly(written.key());
    }

    @Test
    void withoutDeletesDeletingIsRefusedLoudly() {
        assumeFalse(capabilities().contains(Capability.DELETE), "the platform can delete");
        assertThatThrownBy(() -> connector().delete(context(fake().baseUrl(), null), record(0)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    // ---- sending ----

    private List<RecordResult> upsert(ConnectorContext context, List<OutboundRecord> batch) {
        return connector().upsertResults(context, batch, send(connector().upsert(context, batch)));
    }

    /** Sends a prepared call to the fake as the engine would: method, URL, headers and body as they are. */
    protected static CallOutcome send(PreparedCall call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(call.uri())).timeout(Duration.ofSeconds(10))
                .method(call.method(), call.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body()));
        call.headers().forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new CallOutcome(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new AssertionError("the fake did not answer " + call.method() + " " + call.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
