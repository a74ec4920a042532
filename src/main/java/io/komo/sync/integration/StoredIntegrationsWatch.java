package io.komo.sync.integration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.definition.DefinitionJson;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.runtime.CompiledIntegration;
import io.komo.sync.runtime.ConnectorContexts;
import io.komo.sync.runtime.RunningIntegrations;

/**
 * Keeps what this replica runs in line with the stored integrations when another replica changed them: a
 * definition edited, paused or resumed, created or deleted through another replica's API. It also restarts an
 * integration whose credentials were rotated (on any replica), which otherwise would keep the secrets it
 * started with. Called by route {@code integrations.refresh} every {@code komo.integrations.refresh-interval}.
 *
 * <p>A change made through this replica's API is applied by {@link RuntimeNotifier} when it commits; the
 * watch then finds the running integration equal to the stored one and does nothing. Both go through
 * {@link IntegrationRouteLifecycle#whileNoChangeIsApplied}, so the watch never applies a state it read before a local
 * commit over the newer state that commit applied.
 */
@ApplicationScoped
public class StoredIntegrationsWatch {

    private static final Logger LOG = Logger.getLogger(StoredIntegrationsWatch.class);

    /**
     * One stored integration as the watch compares it: its last change and its credentials' last change. When
     * neither moved since the last look, the integration is not looked at again (its secrets are not decrypted).
     */
    record Stored(String id, IntegrationStatus status, Instant updatedAt, Instant credentialsChangedAt) {
    }

    /** What the watch last saw of each stored integration, once applied. */
    private final Map<String, Stored> seen = new ConcurrentHashMap<>();

    private final FailedApplies failed = new FailedApplies();

    @Inject
    DataSource dataSource;

    @Inject
    IntegrationRouteLifecycle routes;

    @Inject
    RunningIntegrations running;

    @Inject
    ConnectorContexts contexts;

    /** Applies every stored change this replica does not run yet; the number of integrations started, restarted or stopped. */
    public int refresh() {
        return routes.whileNoChangeIsApplied(this::refreshNow);
    }

    private int refreshNow() {
        List<Stored> stored = readStored();
        int changed = 0;
        Instant lookedAt = Instant.now();
        List<Stored> inspect = changedSinceSeen(stored, seen).stream().filter(s -> !failed.waiting(s, lookedAt))
                .toList();
        Map<String, String> definitions = inspect.isEmpty() ? Map.of() : readDefinitions(inspect);
        for (Stored now : inspect) {
            String json = definitions.get(now.id());
            if (json == null) {
                continue; // deleted since the first read; the next refresh removes it
            }
            try {
                IntegrationDefinition definition = DefinitionJson.read(json);
                CompiledIntegration current = running.find(now.id()).orElse(null);
                if (current == null || mustApply(definition, now.status(), current.definition(), current.status(),
                        contexts.forDefinition(definition), current.context())) {
                    LOG.infof(
                            "Integration %s changed in the database (another replica, or its credentials): applying it",
                            now.id());
                    routes.apply(definition, now.status());
                    changed++;
                }
                seen.put(now.id(), now);
                failed.succeeded(now.id());
            } catch (RuntimeException e) {
                LOG.errorf(e,
                        "The stored change of integration %s could not be applied on this replica; trying again in %s",
                        now.id(), failed.failed(now, Instant.now()));
            }
        }
        for (String gone : removed(stored, running.ids())) {
            LOG.infof("Integration %s was deleted in the database (another replica): stopping it", gone);
            routes.remove(gone);
            changed++;
        }
        Set<String> storedIds = stored.stream().map(Stored::id).collect(Collectors.toSet());
        seen.keySet().retainAll(storedIds);
        failed.retainAll(storedIds);
        return changed;
    }

    /** The stored integrations whose change times differ from what the watch saw last (or that it never saw). */
    static List<Stored> changedSinceSeen(Collection<Stored> stored, Map<String, Stored> seen) {
        return stored.stream().filter(s -> !s.equals(seen.get(s.id()))).toList();
    }

    /**
     * Whether the running integration must be restarted from the stored one: it runs another definition or
     * status, or other secrets than its credentials now hold (rotated or deleted since it started).
     */
    static boolean mustApply(IntegrationDefinition stored, IntegrationStatus storedStatus,
            IntegrationDefinition running,
            IntegrationStatus runningStatus, ConnectorContext storedContext, ConnectorContext runningContext) {
        return !running.equals(stored) || runningStatus != storedStatus || !runningContext.equals(storedContext);
    }

    /**
     * Integrations this replica runs that are not stored any more. Read while no local change is applied, so an
     * integration created here is stored before it runs.
     */
    static Set<String> removed(Collection<Stored> stored, Set<String> running) {
        Set<String> storedIds = stored.stream().map(Stored::id).collect(Collectors.toSet());
        return running.stream().filter(id -> !storedIds.contains(id)).collect(Collectors.toSet());
    }

    private List<Stored> readStored() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT i.id, i.status, i.updated_at, (SELECT max(c.updated_at) FROM credential c WHERE c.id IN "
                                + "(i.definition -> 'auth' ->> 'credential', i.definition -> 'auth' ->> 'secretCredential')) "
                                + "FROM integration i")) {
            List<Stored> stored = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    stored.add(new Stored(rs.getString(1), IntegrationStatus.of(rs.getString(2)),
                            instant(rs.getTimestamp(3)),
                            instant(rs.getTimestamp(4))));
                }
            }
            return stored;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the stored integrations", e);
        }
    }

    private Map<String, String> readDefinitions(List<Stored> wanted) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT id, definition::text FROM integration WHERE id = ANY (?)")) {
            read.setArray(1, c.createArrayOf("varchar", wanted.stream().map(Stored::id).toArray()));
            Map<String, String> definitions = new HashMap<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    definitions.put(rs.getString(1), rs.getString(2));
                }
            }
            return definitions;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the stored integration definitions", e);
        }
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
