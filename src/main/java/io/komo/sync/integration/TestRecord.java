package io.komo.sync.integration;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.komo.sync.run.TestSyncService;

/**
 * The last test sync of an integration, as kept with it and shown by {@code GET /api/integrations/{id}}.
 *
 * @param contacts the outbound part: how many Komo contacts were tried
 * @param outcomes how many contacts ended how ({@code create}, {@code updated}, {@code unchanged}, {@code error}, ...)
 * @param inbound  the inbound part; null for an integration that only sends (and in records kept before it existed)
 * @param errors   the failures of both parts
 * @param passed   a live test that moved at least one contact or record and failed none: what {@code activate} asks for
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestRecord(Instant at, boolean dryRun, int contacts, Map<String, Integer> outcomes, Inbound inbound,
        int errors, boolean passed) {

    /**
     * @param tested  false when the platform could not be read (it only pushes its changes)
     * @param records how many platform records were tried
     * @param outcomes how many records ended how ({@code create}, {@code updated}, {@code needs-review}, ...)
     */
    public record Inbound(boolean tested, int records, Map<String, Integer> outcomes) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    static TestRecord of(TestSyncService.Result result, Instant at) {
        Map<String, Integer> outcomes = new TreeMap<>();
        result.results().forEach(outcome -> outcomes.merge(outcome.action(), 1, Integer::sum));
        int errors = outcomes.getOrDefault("error", 0);
        int moved = result.contacts();
        Inbound inbound = null;
        if (result.inbound() != null) {
            Map<String, Integer> received = new TreeMap<>();
            result.inbound().results().forEach(outcome -> received.merge(outcome.action(), 1, Integer::sum));
            inbound = new Inbound(result.inbound().tested(), result.inbound().records(), received);
            errors += received.getOrDefault("error", 0);
            moved += result.inbound().records();
        }
        return new TestRecord(at, result.dryRun(), result.contacts(), outcomes, inbound, errors,
                !result.dryRun() && moved > 0 && errors == 0);
    }

    /** The stored form; null for none. */
    static TestRecord read(String json) {
        try {
            return json == null ? null : JSON.readValue(json, TestRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored test result is not JSON", e);
        }
    }

    String write() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
