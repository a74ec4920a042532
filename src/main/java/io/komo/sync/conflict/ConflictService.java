package io.komo.sync.conflict;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.OutboundRecord;
import io.komo.sync.connector.spi.RecordResult;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactService;
import io.komo.sync.contact.ContactView;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.mapping.MappingResult;
import io.komo.sync.merge.FieldVersion;
import io.komo.sync.merge.ManualConflict;
import io.komo.sync.merge.ManualResolution;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.state.SyncState;
import io.komo.sync.state.SyncStateStore;

/**
 * The manual review queue for people. Resolving writes the chosen value to both sides and makes it the
 * field's new merge base, so the next sync sees the sides agree instead of parking the conflict again.
 */
@ApplicationScoped
public class ConflictService {

    private static final Logger LOG = Logger.getLogger(ConflictService.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Inject
    ConflictQueue queue;

    @Inject
    RunningIntegrations integrations;

    @Inject
    SyncStateStore states;

    @Inject
    ContactService contacts;

    @Inject
    ConnectorCalls calls;

    @Inject
    ObjectMapper mapper;

    public Page<ConflictView> list(ConflictQueue.Filter filter, int limit, NewestFirst after) {
        return queue.list(filter, limit, after);
    }

    public ConflictView get(UUID id) {
        return queue.find(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Applies a person's answer ({@code {"winner": "komo" | "external" | "value", "value": ...}}, the value in
     * the platform's field space). The platform is written first: if anything after it fails, the
     * transaction rolls back and the conflict stays open, and the platform merely got an idempotent upsert.
     */
    @Transactional
    public ConflictView resolve(UUID id, JsonNode body, String actor) {
        ManualResolution resolution = resolution(body);
        ConflictView conflict = queue.lock(id).orElseThrow(() -> notFound(id));
        if (!conflict.isOpen()) {
            throw ProblemException.conflict("Conflict " + id + " was already resolved by " + conflict.resolvedBy()
                    + " at " + conflict.resolvedAt());
        }
        CompiledIntegration integration = integrations.find(conflict.integrationId()).orElseThrow(
                () -> ProblemException.conflict("Integration " + conflict.integrationId()
                        + " is unknown or stopped; start it before resolving its conflicts"));
        Contact contact = Contact.findLive(conflict.contactId());
        if (contact == null) {
            throw ProblemException.conflict("Contact " + conflict.contactId() + " has been deleted; there is nothing "
                    + "to resolve on the Komo side");
        }
        ManualResolution.ResolvedConflict resolved = resolution.apply(manualConflict(conflict));
        // Both sides are written even where ManualResolution says the winner already holds the value: that
        // was true when the conflict was parked, and the side may have moved on since. Only writing both
        // makes the new base (the value both sides hold) true.
        // Mapped before anything is written, so a value Komo cannot take is a 400 rather than a half-applied answer.
        Map<String, Object> komoWrite = komoWrite(integration, resolved);
        SyncState state = states.load(integration.id(), Set.of(contact.id)).get(contact.id);
        Instant sentAt = Instant.now();
        String externalId = writeToPlatform(integration, contact, state == null ? null : state.externalId(), resolved);
        // A sync may have written the contact during the platform call. Detached, the patch reads it afresh
        // under the outbox lock; kept, the patch would get this older copy back and fail its version check.
        Contact.getEntityManager().detach(contact);
        contacts.patch(contact.id, mapper.valueToTree(komoWrite));
        Map<String, Object> base = new HashMap<>(state == null ? Map.of() : state.base());
        base.put(resolved.field(), resolved.value());
        states.save(List.of(new SyncState(integration.id(), contact.id, externalId, base, Instant.now(),
                Map.of(resolved.field(), sentAt))));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("winner", body.get("winner").asText().toLowerCase(Locale.ROOT));
        answer.put("value", resolved.value());
        queue.markResolved(id, answer, actor);
        LOG.infof("audit: %s resolved conflict %s (integration %s, contact %s, field %s) with %s", actor, id,
                integration.id(), contact.id, resolved.field(), answer.get("winner"));
        return queue.find(id).orElseThrow();
    }

    private ManualResolution resolution(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("winner", "is required: komo, external or value");
        }
        JsonNode winner = body.get("winner");
        if (winner == null || !winner.isTextual()) {
            throw ProblemException.invalid("winner", "is required: komo, external or value");
        }
        if ("value".equalsIgnoreCase(winner.asText()) && !body.has("value")) {
            throw ProblemException.invalid("value", "is required when winner is value (null clears the field)");
        }
        try {
            return ManualResolution.fromRequest(winner.asText(), plain(body.get("value")));
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("winner", e.getMessage());
        }
    }

    private ManualConflict manualConflict(ConflictView conflict) {
        return new ManualConflict(conflict.contactId().toString(), conflict.field(),
                new FieldVersion(plain(conflict.komoValue()), conflict.komoChangedAt()),
                new FieldVersion(plain(conflict.externalValue()), conflict.externalChangedAt()),
                plain(conflict.baseValue()));
    }

    /** The chosen platform value as a Komo patch, through the integration's inbound mapping. */
    private Map<String, Object> komoWrite(CompiledIntegration integration, ManualResolution.ResolvedConflict resolved) {
        Map<String, Object> external = new HashMap<>();
        external.put(resolved.field(), resolved.value());
        MappingResult komo = integration.mapper().toKomo(external);
        if (komo.hasErrors()) {
            throw ProblemException.invalid("value", "cannot be written to Komo: " + komo.errors());
        }
        if (komo.record().isEmpty()) {
            throw ProblemException.conflict("Field " + resolved.field() + " of integration " + integration.id()
                    + " is not mapped into Komo, so Komo cannot take the chosen value");
        }
        return komo.record();
    }

    /** Upserts the one field, found by the contact's key (and external id when known); the platform's id. */
    private String writeToPlatform(CompiledIntegration integration, Contact contact, String externalId,
            ManualResolution.ResolvedConflict resolved) {
        String keyField = integration.connector().defaults().keyField();
        Object key = integration.mapper().toExternal(contactAsMap(contact)).record().get(keyField);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put(resolved.field(), resolved.value());
        // As the outbound route does: the key travels too, so a platform without our external id can find the record.
        if (key != null) {
            fields.putIfAbsent(keyField, key);
        }
        OutboundRecord record = new OutboundRecord(contact.id, externalId, key == null ? null : key.toString(), fields);
        CallOutcome outcome;
        try {
            outcome = calls.send(integration.id(),
                    integration.connector().upsert(integration.context(), List.of(record)));
        } catch (Exception e) {
            throw badGateway(integration, "the call failed: " + e.getMessage());
        }
        if (!outcome.isSuccess()) {
            throw badGateway(integration, "it answered HTTP " + outcome.status());
        }
        List<RecordResult> results = integration.connector().upsertResults(integration.context(), List.of(record),
                outcome);
        RecordResult result = results.isEmpty()
                ? RecordResult.failed("no result for the record", false)
                : results.get(0);
        if (!result.success()) {
            throw badGateway(integration, "it rejected the record: " + result.error());
        }
        return result.externalId() != null ? result.externalId() : externalId;
    }

    private Map<String, Object> contactAsMap(Contact contact) {
        return mapper.convertValue(ContactView.of(contact), MAP);
    }

    private Object plain(JsonNode node) {
        try {
            return node == null || node.isNull() ? null : mapper.treeToValue(node, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A conflict value is not plain JSON", e);
        }
    }

    private static ProblemException badGateway(CompiledIntegration integration, String reason) {
        return new ProblemException(Problem.of(502, "Bad Gateway", "The conflict stays open: platform "
                + integration.definition().platform() + " of integration " + integration.id() + " was not updated; "
                + reason, List.<FieldError>of()));
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No conflict with id " + id);
    }
}
