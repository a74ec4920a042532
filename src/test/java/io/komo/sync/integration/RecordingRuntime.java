package io.komo.sync.integration;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

/** Stands in for the engine's runtime in {@link RuntimeNotificationTest}: remembers what it was told. */
@Alternative
@ApplicationScoped
public class RecordingRuntime implements IntegrationRuntime {

    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** A method, not the field: the test holds a client proxy, whose own fields are not the bean's. */
    List<String> calls() {
        return calls;
    }

    @Override
    public void apply(IntegrationDefinition definition, IntegrationStatus status) {
        calls.add("apply " + definition.id() + " " + status.wireName());
    }

    @Override
    public void remove(String integrationId) {
        calls.add("remove " + integrationId);
    }
}
