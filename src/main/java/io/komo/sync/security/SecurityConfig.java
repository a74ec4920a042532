package io.komo.sync.security;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;

/** API tokens. Values come from the environment or a Kubernetes Secret, never from files of the repo. */
@ConfigMapping(prefix = "komo.security")
public interface SecurityConfig {

    /** Accepted as an admin token when set ({@code KOMO_ADMIN_TOKEN}), so a fresh install can be used at once. */
    @WithName("admin-token")
    Optional<String> adminToken();

    /** Named tokens: {@code komo.security.tokens.<name>.token} and {@code .role} (viewer, operator, admin). */
    Map<String, NamedToken> tokens();

    interface NamedToken {
        /** The bearer token itself. */
        String token();

        /** viewer, operator or admin. */
        Role role();
    }
}
