package io.komo.sync.storage;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives the service a database when none is configured: with no {@code quarkus.datasource.jdbc.url}
 * it starts an embedded PostgreSQL (real binaries from a jar, data kept between runs) and points the
 * datasource at it. A configured URL leaves everything to the external server.
 *
 * <p>A config source factory rather than a CDI bean because the datasource reads its URL before any
 * bean exists.
 */
public class EmbeddedPostgresConfigSourceFactory implements ConfigSourceFactory {

    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    static final String DATA_DIR = "komo.embedded-postgres.data-dir";
    static final String FSYNC = "komo.embedded-postgres.fsync";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        if (isBuildTime() || isConfigured(context.getValue(JDBC_URL))) {
            return List.of();
        }
        ConfigValue dataDir = context.getValue(DATA_DIR);
        ConfigValue fsync = context.getValue(FSYNC);
        String url = EmbeddedPostgresServer.jdbcUrl(
                dataDir != null && dataDir.getValue() != null ? dataDir.getValue() : "data/postgres",
                fsync == null || fsync.getValue() == null || !"false".equalsIgnoreCase(fsync.getValue().trim()));
        return List.of(new PropertiesConfigSource(Map.of(
                JDBC_URL, url,
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.datasource.password", EmbeddedPostgresServer.USER),
                "komo-embedded-postgres", 150));
    }

    @Override
    public OptionalInt getPriority() {
        // After environment variables and system properties have been read, so a configured URL is seen.
        return OptionalInt.of(50);
    }

    private static boolean isConfigured(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }

    /**
     * Quarkus also reads configuration while it builds the application (Maven build, test augmentation);
     * the database is only wanted by the running application.
     */
    private static boolean isBuildTime() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        String name = loader == null ? "" : loader.toString();
        return name.contains("Augmentation") || name.contains("Deployment Class Loader");
    }
}
