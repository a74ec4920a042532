package io.komo.sync.api;

import java.util.List;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses, with a 400 problem naming the parameter, a request whose path parameters or query parameters (decoded)
 * hold text PostgreSQL cannot store ({@link StorableText}): an id such as {@code %00} reached the database, which
 * refused it, and the caller got a 500. Runs after authentication, so a caller without a token still gets 401.
 * Bodies are checked as they are read ({@link StorableTextInterceptor}).
 */
@Provider
@Priority(Priorities.AUTHORIZATION)
public class StorableTextFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        try {
            check(request.getUriInfo().getPathParameters());
            check(request.getUriInfo().getQueryParameters());
        } catch (ProblemException unstorable) {
            request.abortWith(unstorable.toResponse());
        }
    }

    private static void check(MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            StorableText.check(parameter.getKey(), parameter.getKey());
            for (String value : parameter.getValue()) {
                StorableText.check(parameter.getKey(), value);
            }
        }
    }
}
