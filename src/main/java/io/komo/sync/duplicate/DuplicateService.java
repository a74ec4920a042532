package io.komo.sync.duplicate;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.Outbox;
import io.komo.sync.dedup.DedupKey;
import io.komo.sync.dedup.DedupMatch;
import io.komo.sync.observe.SyncLog;
import io.komo.sync.observe.SyncLogEntry;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * The duplicates review list for people. Resolving applies the parked record where the person chose, with the same
 * merge as an automatic match (a first match into the chosen contact, or a new contact), or drops it.
 */
@ApplicationScoped
public class DuplicateService {

    static final String CREATE_NEW = "create-new";
    static final String SKIP = "skip";

    private static final Logger LOG = Logger.getLogger(DuplicateService.class);
    private static final String CHOICES = "a contact id (usually one of the candidates), create-new or skip";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    @Inject
    DuplicateQueue queue;

    @Inject
    ParkedRecordApplier applier;

    @Inject
    RunningIntegrations integrations;

    @Inject
    SyncLog log;

    @Inject
    Outbox outbox;

    @Inject
    ObjectMapper mapper;

    public Page<DuplicateView> list(DuplicateQueue.Filter filter, int limit, NewestFirst after) {
        return queue.list(filter, limit, after);
    }

    public DuplicateView get(UUID id) {
        return queue.find(id).orElseThrow(() -> notFound(id));
    }

    /**
     * Applies a person's answer, {@code {"choice": "<contact id>" | "create-new" | "skip"}}. In one transaction with
     * marking the entry resolved: if the record cannot be applied (a new contact whose email another holds, a value
     * Komo refuses), nothing is written and the entry stays open.
     */
    @Transactional
    public DuplicateView resolve(UUID id, JsonNode body, String actor) {
        String choice = choice(body);
        // First, as every contact writer does (see Outbox): the chosen contact is read as last committed, and the
        // entry's row lock below is taken after it, in the order an inbound batch that folds into the entry takes them.
        outbox.lockWrites();
        Contact chosen = CREATE_NEW.equals(choice) || SKIP.equals(choice) ? null : chosenContact(choice);
        DuplicateView duplicate = queue.lock(id).orElseThrow(() -> notFound(id));
        if (!duplicate.isOpen()) {
            throw ProblemException.conflict("Duplicate " + id + " was already resolved by " + duplicate.resolvedBy()
                    + " at " + duplicate.resolvedAt());
        }
        if (!SKIP.equals(choice)) {
            if (integrations.find(duplicate.integrationId()).isEmpty()) {
                throw ProblemException.conflict("Integration " + duplicate.integrationId()
                        + " is unknown or stopped; start it before resolving its duplicates");
            }
            // Changed when its newest field was, as the inbound aggregator folds a record's changes.
            Instant changedAt = duplicate.fieldChangedAt().values().stream().max(Instant::compareTo).orElse(null);
            InboundRecord record = new InboundRecord(duplicate.externalId(),
                    mapper.convertValue(duplicate.fields(), MAP),
                    changedAt, false);
            applier.applyChosen(duplicate.integrationId(), record, duplicate.fieldChangedAt(),
                    DedupMatch.to(DedupKey.fromWireName(duplicate.key()), duplicate.keyValue(), chosen));
        }
        queue.markResolved(id, Map.of("choice", choice), actor);
        log.append(SyncLogEntry.audit(duplicate.integrationId(), "duplicate.resolved", actor, duplicate.key(),
                duplicate.keyValue(), choice));
        LOG.infof("audit: %s resolved duplicate %s (integration %s, %s %s) with %s", actor, id,
                duplicate.integrationId(), duplicate.key(), duplicate.keyValue(), choice);
        return queue.find(id).orElseThrow();
    }

    private static String choice(JsonNode body) {
        JsonNode choice = body == null || !body.isObject() ? null : body.get("choice");
        if (choice == null || !choice.isTextual() || choice.asText().isBlank()) {
            throw ProblemException.invalid("choice", "is required: " + CHOICES);
        }
        return choice.asText().trim();
    }

    private static Contact chosenContact(String choice) {
        UUID contactId;
        try {
            contactId = UUID.fromString(choice);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("choice", "must be " + CHOICES);
        }
        Contact contact = Contact.findLive(contactId);
        if (contact == null) {
            throw ProblemException.invalid("choice", "names no live contact: " + contactId);
        }
        return contact;
    }

    private static ProblemException notFound(UUID id) {
        return ProblemException.notFound("No duplicate with id " + id);
    }
}
