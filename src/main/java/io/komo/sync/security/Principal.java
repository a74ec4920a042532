package io.komo.sync.security;

import jakarta.ws.rs.container.ContainerRequestContext;

/** Who is calling: the configured name of their token (never the token) and its role. */
public record Principal(String name, Role role) {
    public static final String PROPERTY = "komo.principal";

    /** The caller's name for audit lines; {@code TokenAuthFilter} has set it on every {@code /api} request. */
    public static String nameOf(ContainerRequestContext request) {
        return request.getProperty(PROPERTY) instanceof Principal principal ? principal.name() : "unknown";
    }
}
