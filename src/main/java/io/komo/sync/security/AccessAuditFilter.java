package io.komo.sync.security;

import java.time.Instant;

import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/** Writes who called which management path, when, and how it ended; refused calls included. */
@Provider
public class AccessAuditFilter implements ContainerResponseFilter {

    @Inject
    AccessAuditLog log;

    @Inject
    HttpServerRequest httpRequest;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (!TokenAuthFilter.isManagementApi(path)) {
            return;
        }
        Principal principal = (Principal) request.getProperty(Principal.PROPERTY);
        String query = request.getUriInfo().getRequestUri().getRawQuery();
        // The path is decoded: it may hold anything a caller wrote as %xx, a NUL included. The entry keeps it
        // escaped (AccessAuditLog), so the call is on record whatever it held.
        log.record(new AccessAuditLog.Entry(Instant.now(),
                principal == null ? "anonymous" : principal.name(),
                principal == null ? null : principal.role().name().toLowerCase(),
                request.getMethod(), query == null ? path : path + "?" + query, response.getStatus(),
                httpRequest.remoteAddress() == null ? null : httpRequest.remoteAddress().hostAddress()));
    }
}
