package io.komo.sync.security;

/** Who is calling: the configured name of their token (never the token) and its role. */
public record Principal(String name, Role role) {
    public static final String PROPERTY = "komo.principal";
}
