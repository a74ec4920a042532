package io.komo.sync.integration;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.Page;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.DefinitionValidator;
import io.komo.sync.definition.Integration;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.run.TestSyncService;
import io.komo.sync.security.OutboundAddressGuard;

/**
 * Creates, changes and removes integrations and moves them through their lifecycle (draft → testing →
 * active ⇄ paused, the rules in {@link IntegrationLifecycle}). Every change is audited in the sync logs in its own transaction, and the runtime
 * hears of it only after that transaction commits.
 */
@ApplicationScoped
public class IntegrationService {

    /** The actor of changes made by definition files. */
    public static final String CONFIG_FILE_ACTOR = "config-file";
    /** The actor of changes the engine makes on its own (a test sync's outcome). */
    static final String SYSTEM_ACTOR = "test-sync";

    @Inject
    ConnectorRegistry connectors;

    @Inject
    SyncLog syncLog;

    @Inject
    Event<IntegrationChanged> changes;

    @ConfigProperty(name = "komo.contacts.default-phone-region")
    String defaultPhoneRegion;

    @Inject
    OutboundAddressGuard addressGuard;

    private volatile DefinitionValidator validator;

    /** Connectors are beans fixed at start-up, so one validator serves every request. */
    public DefinitionValidator validator() {
        DefinitionValidator v = validator;
        if (v == null) {
            v = new DefinitionValidator(connectors, defaultPhoneRegion, Clock.systemUTC());
            validator = v;
        }
        return v;
    }

    public IntegrationView get(String id) {
        return IntegrationView.of(find(id));
    }

    /** By id; the cursor is the id of the last integration of the previous page. */
    public Page<IntegrationView> list(int limit, String afterId) {
        List<Integration> rows = Integration.<Integration>find("id > ?1", Sort.by("id"), afterId == null ? "" : afterId)
                .range(0, limit).list();
        List<IntegrationView> views = rows.stream().limit(limit).map(IntegrationView::of).toList();
        return new Page<>(views, rows.size() > limit ? views.get(limit - 1).id() : null);
    }

    /** A new integration in {@code draft}; 409 when the id is taken. */
    @Transactional
    public IntegrationView create(JsonNode body, String actor) {
        IntegrationDefinition definition = checkEndpoint(validator().validate(body, null).orThrow());
        if (Integration.findById(definition.id()) != null) {
            throw ProblemException.conflict("An integration with id '" + definition.id() + "' already exists");
        }
        Integration created = insert(definition, IntegrationStatus.DRAFT);
        audit(created.id, "integration.created", actor, null, null, IntegrationStatus.DRAFT.wireName());
        return announce(created);
    }

    /** Replaces the definition and keeps the lifecycle state; the runtime restarts what runs for it. */
    @Transactional
    public IntegrationView replace(String id, JsonNode body, String actor) {
        Integration integration = find(id);
        IntegrationDefinition definition = checkEndpoint(validator().validate(body, id).orThrow());
        return update(integration, definition, actor);
    }

    /** Definitions from the API may not aim the engine at internal addresses (SSRF) unless allow-listed. */
    private IntegrationDefinition checkEndpoint(IntegrationDefinition definition) {
        if (definition.endpoint() != null && definition.endpoint().baseUrl() != null) {
            addressGuard.check("endpoint.baseUrl", definition.endpoint().baseUrl());
        }
        return definition;
    }

    @Transactional
    public void delete(String id, String actor) {
        Integration integration = find(id);
        integration.delete();
        audit(id, "integration.deleted", actor, null, integration.status, null);
        changes.fire(IntegrationChanged.removed(id));
    }

    /**
     * testing → active once a live test sync of the current definition passed; paused → active is a resume. With
     * {@code force} (admins only, checked by the resource) a draft or testing integration is activated without a
     * passed test, and the reason is audited.
     */
    @Transactional
    public IntegrationView activate(String id, String actor, boolean force, String reason) {
        Integration integration = find(id);
        IntegrationStatus current = integration.lifecycle();
        if (current == IntegrationStatus.PAUSED) {
            return move(integration, IntegrationStatus.ACTIVE, "integration.resumed", actor);
        }
        if (current == IntegrationStatus.ACTIVE) {
            throw IntegrationLifecycle.refused(id, current, testPassed(integration), "it is active already");
        }
        requireMapping(integration);
        if (force) {
            audit(id, "integration.test.skipped", actor, "reason", null, reason);
        } else if (current == IntegrationStatus.DRAFT || !testPassed(integration)) {
            throw IntegrationLifecycle.refused(id, current, testPassed(integration), current == IntegrationStatus.DRAFT
                    ? "run a test sync first (POST /test-sync, a dry run, then dryRun:false)"
                    : "its last test sync did not pass live (dryRun:false, at least one contact or record, no error)");
        }
        return move(integration, IntegrationStatus.ACTIVE, "integration.activated", actor);
    }

    @Transactional
    public IntegrationView pause(String id, String actor) {
        Integration integration = find(id);
        if (integration.lifecycle() != IntegrationStatus.ACTIVE) {
            throw IntegrationLifecycle.refused(id, integration.lifecycle(), testPassed(integration),
                    "only an active integration pauses");
        }
        return move(integration, IntegrationStatus.PAUSED, "integration.paused", actor);
    }

    @Transactional
    public IntegrationView resume(String id, String actor) {
        Integration integration = find(id);
        if (integration.lifecycle() != IntegrationStatus.PAUSED) {
            throw IntegrationLifecycle.refused(id, integration.lifecycle(), testPassed(integration),
                    "only a paused integration resumes");
        }
        return move(integration, IntegrationStatus.ACTIVE, "integration.resumed", actor);
    }

    /**
     * Keeps the outcome of every test sync with the integration, in its own transaction after the test (a crash in
     * between loses only the record: the test can run again); the first test of a draft makes it {@code testing}.
     */
    @Transactional
    void testSynced(@Observes TestSyncService.Result result) {
        Integration integration = Integration.findById(result.integrationId());
        if (integration == null) {
            return;
        }
        TestRecord record = TestRecord.of(result, Instant.now());
        integration.lastTest = record.write();
        audit(integration.id, "integration.tested", SYSTEM_ACTOR, "lastTest", null, record.write());
        if (integration.lifecycle() == IntegrationStatus.DRAFT) {
            move(integration, IntegrationStatus.TESTING, "integration.testing", SYSTEM_ACTOR);
        } else {
            integration.updatedAt = Instant.now();
            announce(integration);
        }
    }

    private static boolean testPassed(Integration integration) {
        TestRecord test = TestRecord.read(integration.lastTest);
        return test != null && test.passed();
    }

    /**
     * Applies a definition file: a new integration starts {@code active}; a known one gets the file's
     * definition and keeps its state (a paused one stays paused). An unchanged file changes nothing.
     *
     * @param fileId the file name without {@code .yaml}
     * @return the problems of the file; empty when it was applied
     */
    @Transactional
    public List<FieldError> applyFile(String fileId, JsonNode tree) {
        DefinitionValidator.Outcome outcome = validator().validate(tree, fileId);
        if (!outcome.valid()) {
            return outcome.errors();
        }
        IntegrationDefinition definition = outcome.definition();
        if (definition.mappingOrEmpty().isEmpty()) {
            return List.of(new FieldError("mapping", "is required: a file-defined integration starts active"));
        }
        Integration existing = Integration.findById(definition.id());
        if (existing == null) {
            Integration created = insert(definition, IntegrationStatus.ACTIVE);
            audit(created.id, "integration.created", CONFIG_FILE_ACTOR, null, null,
                    IntegrationStatus.ACTIVE.wireName());
            announce(created);
        } else {
            update(existing, definition, CONFIG_FILE_ACTOR);
        }
        return List.of();
    }

    private Integration find(String id) {
        Integration integration = id == null ? null : Integration.findById(id);
        if (integration == null) {
            throw ProblemException.notFound("No integration with id " + id);
        }
        return integration;
    }

    private static Integration insert(IntegrationDefinition definition, IntegrationStatus status) {
        Integration integration = new Integration();
        integration.id = definition.id();
        integration.platform = definition.platform();
        integration.name = definition.name();
        integration.status = status.wireName();
        integration.definition = DefinitionJson.write(definition);
        integration.createdAt = Instant.now();
        integration.updatedAt = integration.createdAt;
        integration.persist();
        return integration;
    }

    private IntegrationView update(Integration integration, IntegrationDefinition definition, String actor) {
        ObjectNode before = DefinitionJson.STRICT.valueToTree(DefinitionJson.read(integration.definition));
        ObjectNode after = DefinitionJson.STRICT.valueToTree(definition);
        Set<String> changed = changedKeys(before, after);
        if (changed.isEmpty()) {
            return IntegrationView.of(integration);
        }
        integration.platform = definition.platform();
        integration.name = definition.name();
        integration.definition = DefinitionJson.write(definition);
        integration.updatedAt = Instant.now();
        // The last test was of the old definition: it no longer vouches for what would run.
        integration.lastTest = null;
        audit(integration.id, "integration.updated", actor, String.join(",", changed),
                before.retain(changed).toString(), after.retain(changed).toString());
        if (integration.lifecycle() == IntegrationStatus.TESTING) {
            return move(integration, IntegrationStatus.DRAFT, "integration.retest", actor);
        }
        return announce(integration);
    }

    private static Set<String> changedKeys(ObjectNode before, ObjectNode after) {
        Set<String> keys = new TreeSet<>();
        before.fieldNames().forEachRemaining(keys::add);
        after.fieldNames().forEachRemaining(keys::add);
        keys.removeIf(key -> before.path(key).equals(after.path(key)));
        return keys;
    }

    private IntegrationView move(Integration integration, IntegrationStatus wanted, String operation, String actor) {
        IntegrationStatus current = integration.lifecycle();
        integration.status = wanted.wireName();
        integration.updatedAt = Instant.now();
        audit(integration.id, operation, actor, "status", current.wireName(), wanted.wireName());
        return announce(integration);
    }

    private static void requireMapping(Integration integration) {
        if (DefinitionJson.read(integration.definition).mappingOrEmpty().isEmpty()) {
            throw ProblemException.conflict("Integration '" + integration.id
                    + "' has no field mapping; map its fields (PUT the definition with a mapping) before activating it");
        }
    }

    private void audit(String integrationId, String operation, String actor, String field, String oldValue,
            String newValue) {
        syncLog.append(SyncLogEntry.audit(integrationId, operation, actor, field, oldValue, newValue));
    }

    private IntegrationView announce(Integration integration) {
        IntegrationView view = IntegrationView.of(integration);
        changes.fire(new IntegrationChanged(view.id(), view.definition(), view.status()));
        return view;
    }
}
