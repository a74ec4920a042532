package io.komo.sync.integration;

import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.DefinitionValidator;
import io.komo.sync.definition.Integration;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.Page;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import io.komo.sync.security.OutboundAddressGuard;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates, changes and removes integrations and moves them through their lifecycle (draft → testing →
 * active ⇄ paused). Every change is audited in the sync logs in its own transaction, and the runtime
 * hears of it only after that transaction commits.
 */
@ApplicationScoped
public class IntegrationService {

    /** The actor of changes made by definition files. */
    public static final String CONFIG_FILE_ACTOR = "config-file";

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

    /** draft, testing or paused → active (from paused it is a resume). */
    @Transactional
    public IntegrationView activate(String id, String actor) {
        Integration integration = find(id);
        if (integration.lifecycle() == IntegrationStatus.PAUSED) {
            return move(integration, IntegrationStatus.ACTIVE, EnumSet.of(IntegrationStatus.PAUSED), "integration.resumed", actor);
        }
        requireMapping(integration);
        return move(integration, IntegrationStatus.ACTIVE, EnumSet.of(IntegrationStatus.DRAFT, IntegrationStatus.TESTING),
                "integration.activated", actor);
    }

    @Transactional
    public IntegrationView pause(String id, String actor) {
        return move(find(id), IntegrationStatus.PAUSED, EnumSet.of(IntegrationStatus.ACTIVE), "integration.paused", actor);
    }

    @Transactional
    public IntegrationView resume(String id, String actor) {
        return move(find(id), IntegrationStatus.ACTIVE, EnumSet.of(IntegrationStatus.PAUSED), "integration.resumed", actor);
    }

    /** draft → testing: for the test sync of Step 5 of the spec, before the integration is enabled. */
    @Transactional
    public IntegrationView startTesting(String id, String actor) {
        return move(find(id), IntegrationStatus.TESTING, EnumSet.of(IntegrationStatus.DRAFT), "integration.testing", actor);
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
            audit(created.id, "integration.created", CONFIG_FILE_ACTOR, null, null, IntegrationStatus.ACTIVE.wireName());
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
        audit(integration.id, "integration.updated", actor, String.join(",", changed),
                before.retain(changed).toString(), after.retain(changed).toString());
        return announce(integration);
    }

    private static Set<String> changedKeys(ObjectNode before, ObjectNode after) {
        Set<String> keys = new TreeSet<>();
        before.fieldNames().forEachRemaining(keys::add);
        after.fieldNames().forEachRemaining(keys::add);
        keys.removeIf(key -> before.path(key).equals(after.path(key)));
        return keys;
    }

    private IntegrationView move(Integration integration, IntegrationStatus wanted, Set<IntegrationStatus> allowedFrom,
            String operation, String actor) {
        IntegrationStatus current = integration.lifecycle();
        if (!allowedFrom.contains(current)) {
            throw ProblemException.conflict("Integration '" + integration.id + "' is " + current.wireName()
                    + "; it cannot become " + wanted.wireName() + " from there (only from "
                    + allowedFrom.stream().map(IntegrationStatus::wireName).collect(Collectors.joining(" or ")) + ")");
        }
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
