package io.komo.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jboss.logging.Logger;

/**
 * One embedded PostgreSQL per JVM, whatever the number of times configuration is read. The running
 * server's URL is kept in a system property rather than a static field because Quarkus reads
 * configuration again in a fresh class loader on every restart (each test profile), and a second
 * server on the same data directory would find it locked.
 */
final class EmbeddedPostgresServer {

    static final String USER = "postgres";
    private static final String RUNNING_URL = "komo.embedded-postgres.running-url";
    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresServer.class);

    private EmbeddedPostgresServer() {
    }

    /** The JDBC URL of the JVM's embedded server, started on first use; it stops when the JVM exits. */
    static String jdbcUrl(String dataDir) {
        synchronized (System.class) {
            String running = System.getProperty(RUNNING_URL);
            if (running == null) {
                EmbeddedPostgres postgres = start(Path.of(dataDir).toAbsolutePath());
                running = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
                System.setProperty(RUNNING_URL, running);
            }
            return running;
        }
    }

    private static EmbeddedPostgres start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(freePort())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            LOG.infof("Embedded PostgreSQL started on 127.0.0.1:%d with data in %s (set QUARKUS_DATASOURCE_JDBC_URL to use an external server)",
                    postgres.getPort(), dataDir);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
