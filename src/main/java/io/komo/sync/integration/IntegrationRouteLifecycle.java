package io.komo.sync.integration;

import static io.komo.sync.camel.CamelNames.DEAD_LETTER;
import static io.komo.sync.camel.CamelNames.DEAD_LETTER_TEMPLATE;
import static io.komo.sync.camel.CamelNames.INBOUND_AGGREGATE;
import static io.komo.sync.camel.CamelNames.INBOUND_AGGREGATE_TEMPLATE;
import static io.komo.sync.camel.CamelNames.INBOUND_PROCESS;
import static io.komo.sync.camel.CamelNames.INBOUND_PROCESS_TEMPLATE;
import static io.komo.sync.camel.CamelNames.INBOUND_WEBHOOK;
import static io.komo.sync.camel.CamelNames.INBOUND_WEBHOOK_TEMPLATE;
import static io.komo.sync.camel.CamelNames.OUTBOUND;
import static io.komo.sync.camel.CamelNames.OUTBOUND_TEMPLATE;
import static io.komo.sync.camel.CamelNames.SCHEDULE;
import static io.komo.sync.camel.CamelNames.SCHEDULE_TEMPLATE;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.Integration;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.delivery.ApiUsage;
import io.komo.sync.feed.ChangeFeed;
import io.komo.sync.feed.EmbeddedChangeFeed;
import io.komo.sync.feed.KafkaFeedSubscriptions;
import io.komo.sync.inbound.InboundAggregations;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.ConnectorContexts;
import io.komo.sync.runtime.RunningIntegrations;
import io.komo.sync.schedule.ScheduleTriggers;

/**
 * Runs integrations as Camel routes made from the templates in {@code routes/templates/}: a dead-letter route for
 * every integration, an outbound route for integrations that send, an inbound webhook and an inbound processing
 * route for those that receive. A route an engineer wrote in {@code routes/integrations/} under the same id
 * (<code>&lt;integration-id&gt;.&lt;stage&gt;</code>) is used instead of the template.
 *
 * <p>Only an active integration takes Komo changes from the feed. Pausing drops the subscription but
 * keeps the cursor, so changes queue in the outbox and a resume delivers them in order. In kafka mode
 * the feed is the integration's consumer group on the topic instead ({@link KafkaFeedSubscriptions}):
 * pausing stops the consumer, the group's offsets stay and the changes queue on the topic.
 */
@ApplicationScoped
public class IntegrationRouteLifecycle implements IntegrationRuntime {

    private static final Logger LOG = Logger.getLogger(IntegrationRouteLifecycle.class);
    /** Route ids this class created from templates; any other route with such an id is an override. */
    private final Set<String> templated = ConcurrentHashMap.newKeySet();

    @Inject
    CamelContext camel;

    @Inject
    RunningIntegrations running;

    @Inject
    ChangeFeed feed;

    @Inject
    ConnectorRegistry connectors;

    @Inject
    ConnectorContexts contexts;

    @Inject
    ApiUsage usage;

    @Inject
    ScheduleTriggers scheduleTriggers;

    @Inject
    InboundAggregations aggregations;

    @ConfigProperty(name = "komo.contacts.default-phone-region")
    String phoneRegion;

    /**
     * Runs every stored integration at start-up (after the definition files were applied), so a
     * restart picks up where the last process stopped: cursors and checkpoints are in the database.
     */
    void startStored(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 100) StartupEvent start) {
        List<Integration> stored = QuarkusTransaction.requiringNew().call(() -> Integration.<Integration>listAll());
        for (Integration integration : stored) {
            try {
                apply(DefinitionJson.read(integration.definition), integration.lifecycle());
            } catch (RuntimeException e) {
                LOG.errorf(e, "Integration %s could not be started", integration.id);
            }
        }
        scheduleTriggers
                .removeOrphans(() -> QuarkusTransaction.requiringNew().call(() -> Integration.<Integration>streamAll()
                        .map(i -> i.id).collect(Collectors.toSet())));
    }

    /**
     * Runs {@code step} while no change is being applied here: {@link #apply} and {@link #remove} hold the same
     * lock. Lets {@link StoredIntegrationsWatch} read the stored state and act on it as one step.
     */
    synchronized <T> T whileNoChangeIsApplied(Supplier<T> step) {
        return step.get();
    }

    public static String feedConsumer(String integrationId) {
        return "integration:" + integrationId;
    }

    @Override
    public synchronized void apply(IntegrationDefinition definition, IntegrationStatus status) {
        String id = definition.id();
        Connector connector = connectors.find(definition.platform()).orElseThrow(
                () -> new IllegalStateException("No connector for platform " + definition.platform()));
        ConnectorContext context = contexts.forDefinition(definition);
        CompiledIntegration compiled = CompiledIntegration.compile(definition, status, connector, context, phoneRegion,
                Clock.systemUTC());
        compiled.rateLimiter().countUsedToday(usage.today(id).requests());
        unsubscribe(id);
        running.put(compiled);
        IntegrationDefinition.Direction direction = definition.directionOrDefault();
        try {
            ensureRoute(id, DEAD_LETTER, DEAD_LETTER_TEMPLATE, true);
            ensureRoute(id, OUTBOUND, OUTBOUND_TEMPLATE, direction.sendsToExternal());
            ensureRoute(id, INBOUND_WEBHOOK, INBOUND_WEBHOOK_TEMPLATE, direction.receivesFromExternal());
            ensureAggregationRepository(id, direction.receivesFromExternal());
            // The aggregator first: the processing route sends to it from its first tick.
            ensureRoute(id, INBOUND_AGGREGATE, INBOUND_AGGREGATE_TEMPLATE, direction.receivesFromExternal());
            ensureRoute(id, INBOUND_PROCESS, INBOUND_PROCESS_TEMPLATE, direction.receivesFromExternal());
            ensureSchedule(id, definition.triggerOrDefault(), status);
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the routes of integration " + id, e);
        }
        if (status == IntegrationStatus.ACTIVE && direction.sendsToExternal()
                && definition.triggerOrDefault().isRealtime()) {
            // block=false: were the route missing, the feed must fail at once rather than hold its
            // thread for direct's 30 s wait while every other consumer starves.
            feed.subscribe(new EmbeddedChangeFeed.Subscription(feedConsumer(id),
                    CamelNames.outboundEndpoint(id) + "?block=false", false,
                    CamelNames.routeId(id, CamelNames.FEED)));
        }
        LOG.infof("Integration %s (%s, %s) is %s", id, definition.platform(), direction.wireName(), status.wireName());
    }

    @Override
    public synchronized void remove(String integrationId) {
        unsubscribe(integrationId);
        running.remove(integrationId);
        for (String stage : new String[]{OUTBOUND, INBOUND_WEBHOOK, INBOUND_PROCESS, INBOUND_AGGREGATE, SCHEDULE,
                DEAD_LETTER}) {
            removeTemplated(CamelNames.routeId(integrationId, stage));
        }
        ensureAggregationRepository(integrationId, false);
        scheduleTriggers.remove(integrationId);
    }

    private void unsubscribe(String integrationId) {
        feed.unsubscribe(feedConsumer(integrationId));
    }

    /**
     * The inbound aggregator's repository is per integration (its groups and keys are the integration's), bound under
     * {@code <id>.inbound-aggregation}, the name the aggregate template refers to. Camel only creates a route when its
     * route controller starts it, after a template's own beans are gone, so it is bound in the registry instead.
     */
    private void ensureAggregationRepository(String integrationId, boolean wanted) {
        String name = integrationId + ".inbound-aggregation";
        if (!wanted) {
            camel.getRegistry().unbind(name);
            aggregations.remove(integrationId);
        } else if (camel.getRegistry().lookupByName(name) == null) {
            camel.getRegistry().bind(name, aggregations.repository(integrationId));
        }
    }

    private void ensureRoute(String integrationId, String stage, String template, boolean wanted) throws Exception {
        ensureRoute(integrationId, stage, template, wanted, Map.of());
    }

    /**
     * A schedule's route is rebuilt on every change: the cron or its time zone may have changed. Its
     * trigger lives on in the clustered job store after the route goes, so a schedule that is gone (or
     * paused) is deleted there, and a changed one is dropped for the new route to store afresh.
     */
    private void ensureSchedule(String integrationId, IntegrationDefinition.Trigger trigger, IntegrationStatus status)
            throws Exception {
        String routeId = CamelNames.routeId(integrationId, SCHEDULE);
        if (camel.getRoute(routeId) != null && !templated.contains(routeId)) {
            return; // an engineer's override from routes/integrations/
        }
        removeTemplated(routeId);
        if (status == IntegrationStatus.PAUSED || trigger.schedule() == null || trigger.schedule().isBlank()) {
            scheduleTriggers.remove(integrationId);
            return;
        }
        String cron = trigger.schedule().trim().replaceAll("\\s+", " ");
        String timezone = trigger.timezone() == null || trigger.timezone().isBlank() ? "UTC" : trigger.timezone();
        scheduleTriggers.dropIfChanged(integrationId, cron, timezone);
        ensureRoute(integrationId, SCHEDULE, SCHEDULE_TEMPLATE, true,
                Map.of("cron", cron.replace(' ', '+'), "timezone", timezone));
    }

    private void ensureRoute(String integrationId, String stage, String template, boolean wanted,
            Map<String, String> parameters) throws Exception {
        String routeId = CamelNames.routeId(integrationId, stage);
        boolean exists = camel.getRoute(routeId) != null;
        if (exists && !templated.contains(routeId)) {
            return; // an engineer's override from routes/integrations/
        }
        if (!wanted) {
            removeTemplated(routeId);
            return;
        }
        if (!exists) {
            TemplatedRouteBuilder builder = TemplatedRouteBuilder.builder(camel, template).routeId(routeId)
                    .parameter("integrationId", integrationId);
            parameters.forEach(builder::parameter);
            builder.add();
            templated.add(routeId);
            if (camel.isStarted()) {
                // The supervising route controller starts routes only at context start; later ones are ours to start.
                camel.getRouteController().startRoute(routeId);
            }
        }
    }

    private void removeTemplated(String routeId) {
        if (templated.remove(routeId) && camel.getRoute(routeId) != null) {
            try {
                camel.getRouteController().stopRoute(routeId);
                camel.removeRoute(routeId);
            } catch (Exception e) {
                throw new IllegalStateException("Could not stop route " + routeId, e);
            }
        }
    }
}
