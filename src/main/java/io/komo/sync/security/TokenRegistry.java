package io.komo.sync.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Resolves bearer tokens to principals. Only SHA-256 digests of the tokens are kept in memory and
 * compared in constant time, so neither a heap dump nor response timing gives a token away.
 */
@ApplicationScoped
public class TokenRegistry {

    static final String ADMIN_TOKEN_NAME = "admin (KOMO_ADMIN_TOKEN)";

    private final Map<String, Principal> byDigest = new HashMap<>();

    @Inject
    public TokenRegistry(SecurityConfig config) {
        config.adminToken().filter(t -> !t.isBlank())
                .ifPresent(t -> byDigest.put(digest(t), new Principal(ADMIN_TOKEN_NAME, Role.ADMIN)));
        config.tokens().forEach((name, token) -> {
            if (!token.token().isBlank()) {
                byDigest.put(digest(token.token()), new Principal(name, token.role()));
            }
        });
    }

    public Optional<Principal> resolve(String token) {
        String digest = digest(token);
        for (Map.Entry<String, Principal> entry : byDigest.entrySet()) {
            if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.US_ASCII),
                    digest.getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private static String digest(String token) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
