package io.komo.sync.run;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.ProblemException;
import io.komo.sync.contact.ContactStatistics;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.filter.ContactFilter;
import io.komo.sync.filter.FilterException;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * Starts historical syncs and reports their progress; {@link RunExecutor} does the work. A run sends Komo's contacts
 * (outbound) or pulls the platform's changed records into Komo (inbound, {@link PlatformPulls}).
 */
@ApplicationScoped
public class RunService {

    @Inject
    RunningIntegrations integrations;

    @Inject
    ContactBatches contacts;

    @Inject
    ContactStatistics statistics;

    @Inject
    ObjectMapper appMapper;

    /**
     * How far an incremental run reaches back before the previous run's start, for changes committed late; and an
     * incremental pull before the last pull's watermark, for records the platform committed late or at that instant.
     */
    @ConfigProperty(name = "komo.runs.incremental-lookback", defaultValue = "PT5M")
    Duration lookback;

    private ObjectMapper strict;

    @PostConstruct
    void init() {
        strict = appMapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @Transactional
    public RunView start(String integrationId, JsonNode body) {
        return start(integrationId, body, null);
    }

    /**
     * Starts the incremental run (of {@code direction}) of one schedule firing. Quartz fires a schedule on one replica;
     * the unique (integration, fire time, direction) index is the second line of defence that lets exactly one run commit.
     */
    @Transactional
    public RunView startScheduled(String integrationId, Instant scheduledFor, String direction) {
        if (SyncRun.count("integrationId = ?1 and scheduledFor = ?2 and direction = ?3", integrationId, scheduledFor,
                direction) > 0) {
            return null;
        }
        return start(integrationId, incremental(direction), scheduledFor);
    }

    /** The directions a schedule runs: outbound when the integration sends, inbound when it receives and can be read. */
    public List<String> scheduledDirections(CompiledIntegration integration) {
        IntegrationDefinition.Direction direction = integration.definition().directionOrDefault();
        List<String> directions = new ArrayList<>();
        if (direction.sendsToExternal()) {
            directions.add(SyncRun.OUTBOUND);
        }
        if (direction.receivesFromExternal() && readable(integration)) {
            directions.add(SyncRun.INBOUND);
        }
        return directions;
    }

    private RunView start(String integrationId, JsonNode body, Instant scheduledFor) {
        CompiledIntegration integration = integrations.find(integrationId)
                .orElseThrow(() -> ProblemException.notFound("No integration " + integrationId));
        RunRequest request = read(body);
        IntegrationDefinition.Direction direction = integration.definition().directionOrDefault();
        String runs = request.direction() != null
                ? request.direction()
                : direction.sendsToExternal() ? SyncRun.OUTBOUND : SyncRun.INBOUND;
        if (SyncRun.INBOUND.equals(runs)) {
            return pull(integration, request, scheduledFor);
        }
        if (!direction.sendsToExternal()) {
            throw ProblemException
                    .conflict("Integration " + integrationId + " only receives; a backfill sends Komo contacts out");
        }
        Instant from = request.from();
        if (request.type() == RunType.INCREMENTAL) {
            from = SyncRun
                    .<SyncRun>find("integrationId = ?1 and direction = ?2 and status = ?3 order by startedAt desc",
                            integrationId, SyncRun.OUTBOUND, SyncRun.COMPLETED)
                    .firstResultOptional()
                    .map(last -> last.startedAt.minus(lookback)).orElse(null);
        }
        Instant to = request.type() == RunType.DATE_RANGE ? request.to() : null;
        if (request.type() != RunType.DATE_RANGE && request.type() != RunType.INCREMENTAL) {
            from = null;
        }
        SyncRun run = newRun(integrationId, request, SyncRun.OUTBOUND, from, to, scheduledFor);
        run.total = contacts.count(from, to);
        run.persist();
        // A backfill often follows a large import, before autovacuum has analysed the contacts. The state
        // lookups need no statistics: only sync_state's primary key leads with the integration (V12).
        statistics.analyzeIfStale();
        return RunView.of(run, Instant.now());
    }

    /**
     * Starts a pull: {@code full} reads every record of the platform, {@code date-range} those changed in the period,
     * {@code incremental} those changed since the watermark of the last completed full or incremental pull, less the
     * lookback (everything when there was none). The run starts from that watermark, so one that reads nothing new
     * hands it on unchanged.
     */
    private RunView pull(CompiledIntegration integration, RunRequest request, Instant scheduledFor) {
        String id = integration.id();
        if (!integration.definition().directionOrDefault().receivesFromExternal()) {
            throw ProblemException
                    .conflict("Integration " + id + " only sends; a pull reads the platform's records into Komo");
        }
        if (!readable(integration)) {
            throw ProblemException.conflict("Platform " + integration.definition().platform()
                    + " cannot be read: its changes come in by webhook (POST /webhooks/" + id + ")");
        }
        if (request.type() == RunType.SELECTIVE) {
            throw ProblemException.invalid("type", "a pull is full, date-range or incremental: scope.filter decides "
                    + "which of the platform's records come in");
        }
        if (SyncRun.count("integrationId = ?1 and direction = ?2 and status = ?3", id, SyncRun.INBOUND,
                SyncRun.RUNNING) > 0) {
            throw ProblemException.conflict("A pull of integration " + id + " is still running");
        }
        Instant watermark = null;
        Instant from = request.type() == RunType.DATE_RANGE ? request.from() : null;
        if (request.type() == RunType.INCREMENTAL) {
            watermark = SyncRun.<SyncRun>find("integrationId = ?1 and direction = ?2 and status = ?3 and type in ?4 "
                    + "order by startedAt desc", id, SyncRun.INBOUND, SyncRun.COMPLETED,
                    List.of(RunType.FULL.wireName(), RunType.INCREMENTAL.wireName()))
                    .firstResultOptional().map(last -> last.watermark).orElse(null);
            from = watermark == null ? null : watermark.minus(lookback);
        }
        SyncRun run = newRun(id, request, SyncRun.INBOUND, from,
                request.type() == RunType.DATE_RANGE ? request.to() : null, scheduledFor);
        run.watermark = watermark;
        run.persist();
        return RunView.of(run, Instant.now());
    }

    private SyncRun newRun(String integrationId, RunRequest request, String direction, Instant from, Instant to,
            Instant scheduledFor) {
        SyncRun run = new SyncRun();
        run.id = UUID.randomUUID();
        run.integrationId = integrationId;
        run.type = request.type().wireName();
        run.direction = direction;
        run.status = SyncRun.RUNNING;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("from", from == null ? null : from.toString());
        params.put("to", to == null ? null : to.toString());
        params.put("filter", request.filter());
        run.params = json(params);
        run.startedAt = Instant.now();
        run.scheduledFor = scheduledFor;
        return run;
    }

    /** Whether the integration's platform can be read; building a call sends nothing (see Connector). */
    private static boolean readable(CompiledIntegration integration) {
        try {
            integration.connector().readChangedSince(integration.context(), null, null, 1);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /** The body of an incremental run request, as a schedule sends it. */
    static JsonNode incremental(String direction) {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                .put("type", RunType.INCREMENTAL.wireName()).put("direction", direction);
    }

    public RunView get(String integrationId, UUID runId) {
        SyncRun run = SyncRun.findById(runId);
        if (run == null || !run.integrationId.equals(integrationId)) {
            throw ProblemException.notFound("No run " + runId + " of integration " + integrationId);
        }
        return RunView.of(run, Instant.now());
    }

    /**
     * Newest first, by {@code (startedAt, id)}; {@code after} is the key of the last run of the previous page
     * ({@link NewestFirst}, as the other lists page), null for the first page.
     */
    public Page<RunView> list(String integrationId, int limit, NewestFirst after) {
        List<SyncRun> runs = after == null
                ? SyncRun.<SyncRun>find("integrationId = ?1 order by startedAt desc, id desc", integrationId)
                        .range(0, limit).list()
                : SyncRun.<SyncRun>find("integrationId = ?1 and (startedAt < ?2 or (startedAt = ?2 and id < ?3)) "
                        + "order by startedAt desc, id desc", integrationId, after.createdAt(), after.id())
                        .range(0, limit).list();
        Instant now = Instant.now();
        return NewestFirst.page(runs.stream().map(r -> RunView.of(r, now)).toList(), limit,
                run -> new NewestFirst(run.startedAt(), run.id()));
    }

    private RunRequest read(JsonNode body) {
        RunRequest request;
        try {
            request = strict.treeToValue(body == null ? strict.createObjectNode() : body, RunRequest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw ProblemException.invalid(fieldOf(e), rootMessage(e));
        }
        if (request.type() == null) {
            throw ProblemException.invalid("type", "is required: full, date-range, incremental or selective");
        }
        if (request.direction() != null && !List.of(SyncRun.OUTBOUND, SyncRun.INBOUND).contains(request.direction())) {
            throw ProblemException.invalid("direction",
                    "must be outbound (send Komo's contacts) or inbound (pull the platform's records)");
        }
        if (request.type() == RunType.DATE_RANGE && (request.from() == null || request.to() == null)) {
            throw ProblemException.invalid(request.from() == null ? "from" : "to", "is required for a date-range run");
        }
        if (request.from() != null && request.to() != null && !request.from().isBefore(request.to())) {
            throw ProblemException.invalid("to", "must be after from");
        }
        if (request.type() == RunType.SELECTIVE) {
            if (request.filter() == null || request.filter().isBlank()) {
                throw ProblemException.invalid("filter", "is required for a selective run");
            }
            try {
                ContactFilter.compile(request.filter());
            } catch (FilterException e) {
                throw ProblemException.invalid("filter", e.getMessage());
            }
        }
        return request;
    }

    private static String fieldOf(Exception e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return mapping.getPath().get(0).getFieldName();
        }
        return "";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                ? "unknown field"
                : root.getMessage() == null ? "is invalid" : root.getMessage().split("\n")[0];
    }

    private String json(Object value) {
        try {
            return appMapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
