package io.komo.sync.connector.spi;

import java.util.Locale;
import java.util.Optional;

/**
 * The values of a definition's {@code auth.type}: how the engine authenticates to a platform. Each but {@code none}
 * names the credential type ({@code PUT /api/credentials/{id}}) whose secrets the connector puts into its calls. A
 * connector says which it takes ({@link Connector#authTypes()}), and a definition naming another is refused.
 */
public enum AuthType {
    NONE("none"), BEARER("bearer"), BASIC("basic"), API_KEY("api-key"), OAUTH2("oauth2"), HEADERS("headers");

    private final String wireName;

    AuthType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<AuthType> of(String name) {
        for (AuthType type : values()) {
            if (type.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
