package io.komo.sync.errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.ProducerTemplate;

import io.komo.sync.camel.CamelNames;

/**
 * Where the stages put the records they give up on: each integration's dead-letter route
 * ({@code <integration-id>.dead-letter}, template {@code komo-dead-letter} in routes/templates/dead-letter.yaml), which
 * stores them in {@code dead_letter} with their context (stage, route, attempts, last error). The route is synchronous
 * ({@code direct:}), so the dead letters commit or roll back with the batch that gave them up; an engineer can
 * override it in routes/integrations/ (to also publish them to a topic, say) and sees it in the management console.
 */
@ApplicationScoped
public class DeadLetterChannel {

    @Inject
    ProducerTemplate producer;

    /** Sends each integration's dead letters through its route; throws (failing the batch) when that fails. */
    public void add(List<DeadLetter> letters) {
        if (letters.isEmpty()) {
            return;
        }
        Map<String, List<DeadLetter>> byIntegration = new LinkedHashMap<>();
        for (DeadLetter letter : letters) {
            byIntegration.computeIfAbsent(letter.integrationId(), id -> new java.util.ArrayList<>()).add(letter);
        }
        // block=false: an integration removed meanwhile has no route; waiting for one would hold the batch for 30 s.
        byIntegration.forEach((integrationId, ofIntegration) -> producer
                .requestBody(CamelNames.deadLetterEndpoint(integrationId) + "?block=false", ofIntegration));
    }
}
