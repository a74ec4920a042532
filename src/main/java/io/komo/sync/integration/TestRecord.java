package io.komo.sync.integration;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import io.komo.sync.run.TestSyncService;

/**
 * The last test sync of an integration, as kept with it and shown by {@code GET /api/integrations/{id}}.
 *
 * @param outcomes how many contacts ended how ({@code create}, {@code updated}, {@code unchanged}, {@code error}, ...)
 * @param passed   a live test that moved at least one contact and failed none: what {@code activate} asks for
 */
public record TestRecord(Instant at, boolean dryRun, int contacts, Map<String, Integer> outcomes, int errors,
        boolean passed) {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    static TestRecord of(TestSyncService.Result result, Instant at) {
        Map<String, Integer> outcomes = new TreeMap<>();
        result.results().forEach(outcome -> outcomes.merge(outcome.action(), 1, Integer::sum));
        int errors = outcomes.getOrDefault("error", 0);
        return new TestRecord(at, result.dryRun(), result.contacts(), outcomes, errors,
                !result.dryRun() && result.contacts() > 0 && errors == 0);
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
