package io.komo.sync.integration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;
import io.komo.sync.definition.IntegrationStatus;

/**
 * The lifecycle's rules in one place (README § Integrations, the transition table): which steps each state
 * allows, so the service enforces them and the API shows them. A new integration is tested before it moves
 * data on its own: draft → testing by a test sync, testing → active by {@code activate} once a live test sync
 * of the current definition passed (or by an admin's audited {@code force}), active ⇄ paused.
 */
final class IntegrationLifecycle {

    static final String TEST_SYNC = "test-sync";
    static final String ACTIVATE = "activate";
    static final String FORCE_ACTIVATE = "activate-force";
    static final String PAUSE = "pause";
    static final String RESUME = "resume";

    private IntegrationLifecycle() {
    }

    /** The lifecycle steps open from {@code status}, given whether the last test sync passed. */
    static List<String> nextSteps(IntegrationStatus status, boolean testPassed) {
        List<String> steps = new ArrayList<>();
        switch (status) {
            case DRAFT -> steps.addAll(List.of(TEST_SYNC, FORCE_ACTIVATE));
            case TESTING -> {
                steps.add(TEST_SYNC);
                steps.add(testPassed ? ACTIVATE : FORCE_ACTIVATE);
            }
            case ACTIVE -> steps.addAll(List.of(PAUSE, TEST_SYNC));
            case PAUSED -> steps.addAll(List.of(RESUME, TEST_SYNC));
        }
        return steps;
    }

    /** 409 naming where the integration is and what it may do next, in the detail and as members. */
    static ProblemException refused(String integrationId, IntegrationStatus current, boolean testPassed, String why) {
        List<String> steps = nextSteps(current, testPassed);
        String detail = "Integration '" + integrationId + "' is " + current.wireName() + "; " + why
                + ". Allowed next steps: " + String.join(", ", steps);
        return new ProblemException(Problem.of(Response.Status.CONFLICT, detail)
                .with(Map.of("currentStatus", current.wireName(), "allowedNextSteps", steps)));
    }
}
