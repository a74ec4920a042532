package io.komo.sync.deadletter;

import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.ServiceStatus;
import org.jboss.logging.Logger;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.api.Problem;
import io.komo.sync.api.ProblemException;
import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactView;
import io.komo.sync.errors.DeadLetterStore;
import io.komo.sync.errors.DeadLetterView;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * Dead letters for people: list them, replay one through its integration's outbound route, or
 * discard it. A replay sends the contact as it is <em>now</em>, not the stored payload: the payload
 * may be stale, and what the platform should end up with is Komo's current state.
 */
@ApplicationScoped
public class DeadLetterService {

    private static final Logger LOG = Logger.getLogger(DeadLetterService.class);
    /** A replay re-sends the whole contact, so every field counts as changed. */
    private static final List<String> ALL_CONTACT_FIELDS = Arrays.stream(ContactView.class.getRecordComponents())
            .map(RecordComponent::getName).toList();

    @Inject
    DeadLetterStore store;

    @Inject
    RunningIntegrations integrations;

    @Inject
    ProducerTemplate producer;

    @Inject
    CamelContext camel;

    @Inject
    ObjectMapper mapper;

    public Page<DeadLetterView> list(DeadLetterStore.Filter filter, int limit, NewestFirst after) {
        return store.list(filter, limit, after);
    }

    public DeadLetterView get(UUID id) {
        return store.find(id).orElseThrow(() -> ProblemException.notFound("No dead letter with id " + id));
    }

    public DeadLetterView discard(UUID id, String actor) {
        DeadLetterView letter = get(id);
        requireOpen(letter, "discarded");
        if (!store.settle(id, DeadLetterView.DISCARDED)) {
            throw notOpenAnyMore(id, "discarded");
        }
        LOG.infof("audit: %s discarded dead letter %s (integration %s, contact %s)", actor, id, letter.integrationId(),
                letter.contactId());
        return get(id);
    }

    /**
     * Sends the contact's current state to {@code direct:<integration>.outbound} in a transaction of its
     * own, as the change feed would. The route writes its own outcome (new base, or a new dead letter);
     * a failed replay is rolled back so it leaves no second dead letter, and the original stays open
     * with the latest reason.
     */
    public DeadLetterView replay(UUID id, String actor) {
        DeadLetterView letter = get(id);
        requireOpen(letter, "replayed");
        if (letter.contactId() == null) {
            throw ProblemException.conflict("Dead letter " + id + " (stage " + letter.stage()
                    + ") has no contact, so it cannot be replayed; fix the sender and resend");
        }
        CompiledIntegration integration = runningIntegration(letter);
        // Truncated to the database's precision so a row written in the same microsecond still counts.
        Instant started = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try {
            QuarkusTransaction.requiringNew().run(() -> sendCurrentState(letter, integration, started));
        } catch (ReplayFailed f) {
            store.recordFailedReplay(id, f.exceptionType, f.reason);
            LOG.infof("audit: %s replayed dead letter %s (integration %s, contact %s): failed, %s", actor, id,
                    integration.id(), letter.contactId(), f.reason);
            throw new ProblemException(Problem.of(f.status, f.status == 422 ? "Unprocessable Content" : "Conflict",
                    "Dead letter " + id + " stays open: " + f.reason, List.of()));
        }
        LOG.infof("audit: %s replayed dead letter %s (integration %s, contact %s): delivered", actor, id,
                integration.id(), letter.contactId());
        return get(id);
    }

    /** Runs in the replay's transaction; throwing rolls back whatever the route wrote. */
    private void sendCurrentState(DeadLetterView letter, CompiledIntegration integration, Instant started) {
        Contact contact = Contact.findLive(letter.contactId());
        if (contact == null) {
            throw ProblemException.conflict("Contact " + letter.contactId() + " of dead letter " + letter.id()
                    + " has been deleted; discard the dead letter instead");
        }
        ChangeEvent event = currentState(contact);
        Exchange result = producer.send(CamelNames.outboundEndpoint(integration.id()), exchange -> {
            exchange.getMessage().setBody(List.of(event));
            exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, 1);
        });
        if (result.getException() != null) {
            Exception e = result.getException();
            throw new ReplayFailed(409, e.getClass().getSimpleName(), "the delivery failed: " + e.getMessage());
        }
        Optional<DeadLetterView> again = store.newestSince(integration.id(), letter.contactId(), started, letter.id());
        if (again.isPresent()) {
            throw new ReplayFailed(422, again.get().exceptionType(), "the record was dead-lettered again: "
                    + again.get().error());
        }
        if (!store.settle(letter.id(), DeadLetterView.REPLAYED)) {
            throw notOpenAnyMore(letter.id(), "replayed");
        }
    }

    /** Why a replay did not deliver; thrown to roll the replay's transaction back. */
    private static final class ReplayFailed extends RuntimeException {
        final int status;
        final String exceptionType;
        final String reason;

        ReplayFailed(int status, String exceptionType, String reason) {
            super(reason, null, false, false);
            this.status = status;
            this.exceptionType = exceptionType;
            this.reason = reason;
        }
    }

    private CompiledIntegration runningIntegration(DeadLetterView letter) {
        CompiledIntegration integration = letter.integrationId() == null
                ? null
                : integrations.find(letter.integrationId()).orElse(null);
        if (integration == null) {
            throw ProblemException.conflict("Integration " + letter.integrationId() + " of dead letter " + letter.id()
                    + " is unknown or stopped; start it before replaying");
        }
        if (!integration.isActive()) {
            throw ProblemException.conflict("Integration " + integration.id() + " is " + integration.status().wireName()
                    + "; activate it before replaying its dead letters");
        }
        // A direct: endpoint without a started consumer would block the request for its timeout, then fail.
        String route = CamelNames.routeId(integration.id(), CamelNames.OUTBOUND);
        if (camel.getRouteController().getRouteStatus(route) != ServiceStatus.Started) {
            throw ProblemException.conflict("The outbound route " + route + " of integration " + integration.id()
                    + " is not started; start it before replaying");
        }
        return integration;
    }

    private ChangeEvent currentState(Contact contact) {
        try {
            return new ChangeEvent(0, UUID.randomUUID(), ChangeEvent.CONTACT_UPDATED, contact.id, ALL_CONTACT_FIELDS,
                    mapper.writeValueAsString(ContactView.of(contact)), Instant.now());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A contact could not be written as JSON", e);
        }
    }

    private static void requireOpen(DeadLetterView letter, String action) {
        if (!letter.isOpen()) {
            throw ProblemException.conflict("Dead letter " + letter.id() + " is " + letter.status()
                    + "; only open dead letters can be " + action);
        }
    }

    private static ProblemException notOpenAnyMore(UUID id, String action) {
        return ProblemException.conflict("Dead letter " + id + " was settled by someone else meanwhile; it cannot be "
                + action);
    }
}
