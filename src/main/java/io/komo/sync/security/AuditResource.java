package io.komo.sync.security;

import java.sql.SQLException;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.komo.sync.api.Page;
import io.komo.sync.api.Paging;

/** The access audit trail (who called what, when). Admins only: it shows every caller. */
@Path("/api/access-audit")
@Produces(MediaType.APPLICATION_JSON)
@RequiresRole(Role.ADMIN)
public class AuditResource {

    @Inject
    AccessAuditLog log;

    @GET
    public Page<AccessAuditLog.Entry> list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor)
            throws SQLException {
        return log.read(Paging.limit(limit), Paging.longParam("cursor", cursor));
    }
}
