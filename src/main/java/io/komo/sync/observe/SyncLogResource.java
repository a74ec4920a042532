package io.komo.sync.observe;

import java.sql.SQLException;
import java.time.Instant;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.RequiresRole;
import io.komo.sync.security.Role;

/** The sync logs (API.md § Integrations, {@code /api/logs}): success, error, conflict and audit entries, newest first. */
@Path("/api/logs")
@Produces(MediaType.APPLICATION_JSON)
@RequiresRole(Role.VIEWER)
public class SyncLogResource {

    @Inject
    SyncLog log;

    @GET
    public Page<SyncLog.Logged> list(@QueryParam("integration") String integration, @QueryParam("type") String type,
            @QueryParam("contact") String contact, @QueryParam("from") String from, @QueryParam("to") String to,
            @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) throws SQLException {
        Instant fromInstant = Paging.instantParam("from", from);
        Instant toInstant = Paging.instantParam("to", to);
        if (fromInstant != null && toInstant != null && !fromInstant.isBefore(toInstant)) {
            throw ProblemException.invalid("to", "must be later than from");
        }
        SyncLog.Query query = new SyncLog.Query(blankToNull(integration), type(type),
                Paging.uuidParam("contact", contact), fromInstant, toInstant);
        return log.read(query, Paging.limit(limit), Paging.longParam("cursor", cursor));
    }

    private static SyncLogEntry.Type type(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        SyncLogEntry.Type type = SyncLogEntry.Type.byWireName(raw.trim());
        if (type == null) {
            throw ProblemException.invalid("type", "must be one of " + SyncLogEntry.Type.ALLOWED);
        }
        return type;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
