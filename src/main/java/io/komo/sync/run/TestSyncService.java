package io.komo.sync.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import io.komo.sync.api.ProblemException;
import io.komo.sync.camel.CamelNames;
import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Contact;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.errors.DeadLetter;
import io.komo.sync.outbound.OutboundPlan;
import io.komo.sync.outbound.OutboundStages;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * Test sync: the first N contacts in the integration's scope, through the real pipeline. A dry run
 * stops after the plan stage and answers, per contact and field, what would change on the platform;
 * a live run sends only those N and answers what happened to each. An integration that receives also tests the
 * other direction ({@link InboundTestSync}): the first N records of the platform, what they would do in Komo, or did.
 * Every result is announced (a CDI event) so the integration's lifecycle can keep it: a passed live test is what
 * activation asks for.
 */
@ApplicationScoped
public class TestSyncService {

    /** What would happen (dry run) or happened (live) to one contact. */
    public record ContactOutcome(UUID contactId, String email, String action, String externalId,
            List<FieldChange> changes, String error) {
    }

    /** One field of the platform: its value there now (as last agreed) and the value Komo would send. */
    public record FieldChange(String field, Object from, Object to) {
    }

    /**
     * @param contacts the outbound part: how many Komo contacts were tried (0 for an integration that only receives)
     * @param results  the outbound part, per contact
     * @param inbound  the inbound part; absent for an integration that only sends
     */
    public record Result(String integrationId, boolean dryRun, int contacts, List<ContactOutcome> results,
            @JsonInclude(JsonInclude.Include.NON_NULL) InboundTestSync.Result inbound) {
    }

    @Inject
    RunningIntegrations integrations;

    @Inject
    ContactBatches batches;

    @Inject
    OutboundStages stages;

    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper mapper;

    @Inject
    InboundTestSync inbound;

    @Inject
    Event<Result> tested;

    public Result run(String integrationId, int limit, boolean dryRun) {
        CompiledIntegration integration = integrations.find(integrationId)
                .orElseThrow(() -> ProblemException.notFound("No integration " + integrationId));
        IntegrationDefinition.Direction direction = integration.definition().directionOrDefault();
        InboundTestSync.Reading reading = null;
        if (direction.receivesFromExternal()) {
            try { // first, so a platform that cannot be read fails the test before anything was sent
                reading = inbound.read(integration, limit);
            } catch (ProblemException unreachable) {
                tested.fire(new Result(integrationId, dryRun, 0, List.of(), new InboundTestSync.Result(true, 0,
                        List.of(new InboundTestSync.RecordOutcome(null, "error", null, List.of(),
                                unreachable.getMessage())),
                        null)));
                throw unreachable;
            }
        }
        Result result = direction.sendsToExternal()
                ? outbound(integration, limit, dryRun)
                : new Result(integrationId, dryRun, 0, List.of(), null);
        if (reading != null) {
            result = new Result(integrationId, dryRun, result.contacts(), result.results(),
                    inbound.apply(integration, reading, dryRun));
        }
        tested.fire(result);
        return result;
    }

    /** The outbound half: the first N contacts in scope, planned (dry run) or sent. */
    private Result outbound(CompiledIntegration integration, int limit, boolean dryRun) {
        String integrationId = integration.id();
        List<Contact> chosen = QuarkusTransaction.requiringNew()
                .call(() -> batches.inScope(integration.filter(), limit));
        List<ChangeEvent> events = chosen.stream().map(batches::asChange).toList();
        OutboundPlan plan;
        try {
            plan = dryRun
                    ? stages.plan(integrationId, 1, null, events)
                    : QuarkusTransaction.requiringNew().call(() -> send(integrationId, events));
        } catch (ProblemException unreachable) {
            tested.fire(new Result(integrationId, dryRun, chosen.size(), chosen.stream()
                    .map(c -> new ContactOutcome(c.id, c.email, "error", null, List.of(), unreachable.getMessage()))
                    .toList(),
                    null));
            throw unreachable;
        }
        return new Result(integrationId, dryRun, chosen.size(), outcomes(chosen, plan, dryRun), null);
    }

    private OutboundPlan send(String integrationId, List<ChangeEvent> events) {
        Exchange result = producer.send(CamelNames.outboundEndpoint(integrationId), exchange -> {
            exchange.getMessage().setBody(events);
            exchange.getMessage().setHeader(CamelNames.Feed.ATTEMPT, Integer.MAX_VALUE);
        });
        if (result.getException() != null) {
            throw new ProblemException(io.komo.sync.api.Problem.of(502, "Bad Gateway",
                    "The test sync could not reach the platform: " + result.getException().getMessage(), List.of()));
        }
        return result.getMessage().getBody(OutboundPlan.class);
    }

    private static List<ContactOutcome> outcomes(List<Contact> chosen, OutboundPlan plan, boolean dryRun) {
        Map<UUID, OutboundPlan.Planned> planned = new HashMap<>();
        plan.toSend().forEach(p -> planned.put(p.contactId(), p));
        Map<UUID, OutboundPlan.Delivered> delivered = new HashMap<>();
        plan.delivered().forEach(d -> delivered.put(d.planned().contactId(), d));
        Map<UUID, DeadLetter> failed = new HashMap<>();
        plan.deadLetters().forEach(d -> failed.put(d.contactId(), d));
        List<ContactOutcome> outcomes = new ArrayList<>();
        for (Contact contact : chosen) {
            OutboundPlan.Planned p = planned.get(contact.id);
            DeadLetter letter = failed.get(contact.id);
            if (p == null) {
                outcomes.add(new ContactOutcome(contact.id, contact.email, letter != null ? "error" : "unchanged", null,
                        List.of(), letter == null ? null : letter.error()));
                continue;
            }
            String action = p.record().externalId() == null ? "create" : "update";
            if (!dryRun) {
                action = letter != null ? "error" : delivered.containsKey(contact.id) ? action + "d" : action;
            }
            OutboundPlan.Delivered done = delivered.get(contact.id);
            outcomes.add(new ContactOutcome(contact.id, contact.email, action,
                    done != null ? done.externalId() : p.record().externalId(), changes(p),
                    letter == null ? null : letter.error()));
        }
        return outcomes;
    }

    private static List<FieldChange> changes(OutboundPlan.Planned planned) {
        List<FieldChange> changes = new ArrayList<>();
        new LinkedHashMap<>(planned.record().fields()).forEach((field, value) -> {
            Object before = planned.oldBase().get(field);
            if (!Objects.equals(before, value)) {
                changes.add(new FieldChange(field, before, value));
            }
        });
        return changes;
    }
}
