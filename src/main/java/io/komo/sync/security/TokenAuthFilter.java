package io.komo.sync.security;

import java.lang.reflect.Method;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import io.komo.sync.api.Problem;

/** Every {@code /api} call needs a bearer token whose role covers the method's {@link RequiresRole}. */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class TokenAuthFilter implements ContainerRequestFilter {

    private static final String BEARER = "Bearer ";

    @Inject
    TokenRegistry tokens;

    @Context
    ResourceInfo resource;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!isManagementApi(request.getUriInfo().getPath())) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        Principal principal = header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? tokens.resolve(header.substring(BEARER.length()).trim()).orElse(null)
                : null;
        if (principal == null) {
            request.abortWith(Response.fromResponse(Problem.of(Response.Status.UNAUTHORIZED,
                    "A valid bearer token is required (Authorization: Bearer <token>)").toResponse())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"komo-sync\"").build());
            return;
        }
        request.setProperty(Principal.PROPERTY, principal);
        Role required = requiredRole(resource.getResourceMethod(), resource.getResourceClass());
        if (!principal.role().includes(required)) {
            request.abortWith(Problem.of(Response.Status.FORBIDDEN, "This call needs the "
                    + required.name().toLowerCase() + " role; token '" + principal.name() + "' has "
                    + principal.role().name().toLowerCase()).toResponse());
        }
    }

    static boolean isManagementApi(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("api") || relative.startsWith("api/");
    }

    static Role requiredRole(Method method, Class<?> type) {
        RequiresRole onMethod = method == null ? null : method.getAnnotation(RequiresRole.class);
        if (onMethod != null) {
            return onMethod.value();
        }
        RequiresRole onClass = type == null ? null : type.getAnnotation(RequiresRole.class);
        return onClass != null ? onClass.value() : Role.ADMIN;
    }
}
