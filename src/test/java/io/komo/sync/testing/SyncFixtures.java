package io.komo.sync.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

import io.komo.sync.camel.CamelNames;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.integration.IntegrationRouteLifecycle;

/**
 * Rows the sync engine would have written, inserted directly: integrations on {@link RecordingTestConnector},
 * dead letters, conflicts and sync state. The database outlives test runs, so ids are fresh each time.
 */
@ApplicationScoped
public class SyncFixtures {

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @Inject
    IntegrationRouteLifecycle integrations;

    @Inject
    CamelContext camel;

    /**
     * Stores and starts an outbound integration mapping email, firstName, lastName and tier. Not realtime,
     * so it takes no changes from the feed: only what a test sends reaches the platform.
     */
    public String startIntegration(String prefix, IntegrationStatus status) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        String definition = """
                {"id": "%s", "platform": "%s", "name": "test", "direction": "outbound",
                 "trigger": {"realtime": false},
                 "mapping": [{"komo": "email", "external": "email"}, {"komo": "firstName", "external": "first_name"},
                             {"komo": "lastName", "external": "last_name"}, {"komo": "tier", "external": "tier"}],
                 "retry": {"maxAttempts": 3, "initialDelay": "1s", "maxDelay": "1s"}}
                """.formatted(id, RecordingTestConnector.PLATFORM);
        return startIntegration(id, RecordingTestConnector.PLATFORM, definition, status);
    }

    /** Stores and starts an integration with the given definition (whose id and platform are {@code id} and {@code platform}). */
    public String startIntegration(String id, String platform, String definition, IntegrationStatus status) {
        update("INSERT INTO integration (id, platform, name, status, definition, created_at, updated_at) "
                + "VALUES (?, ?, 'test', ?, ?::jsonb, now(), now())", id, platform, status.wireName(), definition);
        try {
            integrations.apply(mapper.readValue(definition, IntegrationDefinition.class), status);
            // With the supervising route controller a templated route added at run time is left stopped
            // (IntegrationRouteLifecycle does not start it yet); start it as the integration API will have to.
            for (String stage : List.of(CamelNames.OUTBOUND, CamelNames.INBOUND_AGGREGATE,
                    CamelNames.INBOUND_PROCESS)) {
                String route = CamelNames.routeId(id, stage);
                if (camel.getRoute(route) != null
                        && camel.getRouteController().getRouteStatus(route) != ServiceStatus.Started) {
                    camel.getRouteController().startRoute(route);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    public UUID deadLetter(String integrationId, String stage, UUID contactId, String payload, String status,
            Instant createdAt) {
        UUID id = UUID.randomUUID();
        update("INSERT INTO dead_letter (id, integration_id, stage, route_id, contact_id, payload, exception_type, error, "
                + "attempts, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, 'PERMANENT', "
                + "'HTTP 400: bad field', 1, ?, ?, ?)", id, integrationId, stage, integrationId + ".outbound",
                contactId,
                payload, status, Timestamp.from(createdAt), Timestamp.from(createdAt));
        return id;
    }

    public UUID conflict(String integrationId, UUID contactId, String field, Object base, Object komo, Object external,
            Instant createdAt) {
        UUID id = UUID.randomUUID();
        update("INSERT INTO conflict (id, integration_id, contact_id, field, base_value, komo_value, komo_changed_at, "
                + "external_value, external_changed_at, status, created_at) "
                + "VALUES (?, ?, ?, ?, ?::jsonb, ?::jsonb, now(), ?::jsonb, now(), 'open', ?)", id, integrationId,
                contactId, field, json(base), json(komo), json(external), Timestamp.from(createdAt));
        return id;
    }

    public void syncState(String integrationId, UUID contactId, String externalId, Map<String, Object> base) {
        update("INSERT INTO sync_state (integration_id, contact_id, external_id, base_values, last_synced_at) "
                + "VALUES (?, ?, ?, ?::jsonb, now())", integrationId, contactId, externalId, json(base));
    }

    public Map<String, Object> base(String integrationId, UUID contactId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT base_values::text FROM sync_state WHERE integration_id = ? AND contact_id = ?")) {
            read.setString(1, integrationId);
            read.setObject(2, contactId);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next() ? mapper.readValue(rs.getString(1), new TypeReference<Map<String, Object>>() {
                }) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public int count(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                read.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = read.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
