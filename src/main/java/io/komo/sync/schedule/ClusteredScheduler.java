package io.komo.sync.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.quarkus.core.events.ComponentAddEvent;
import org.jboss.logging.Logger;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.jdbcjobstore.JobStoreTX;
import org.quartz.impl.jdbcjobstore.PostgreSQLDelegate;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

/**
 * The Quartz scheduler behind camel-quartz: a JDBC job store in the application's own PostgreSQL (the Agroal
 * data source Hibernate and Flyway use), clustered, so that the replicas sharing the database fire each
 * trigger once between them. The tables come from the Flyway migration V6.
 *
 * <p>This bean owns the scheduler, not camel-quartz: it is created here, handed to the component when Camel
 * adds it, started only at {@link StartupEvent} (Flyway has migrated by then and the stored integrations'
 * triggers are in place) and shut down with the application.
 */
@ApplicationScoped
public class ClusteredScheduler {

    private static final Logger LOG = Logger.getLogger(ClusteredScheduler.class);
    /** One cluster per database: every replica must use this name, it is the rows' SCHED_NAME. */
    static final String NAME = "komo-sync";
    /** Quartz finds connections by data source name in its JVM-wide {@link DBConnectionManager}. */
    private static final String DATA_SOURCE = "komo";

    @Inject
    DataSource dataSource;

    @Inject
    ScheduleStoreConfig config;

    private Scheduler scheduler;

    void useForCamel(@Observes ComponentAddEvent added) {
        if (added.getComponent() instanceof QuartzComponent quartz) {
            quartz.setScheduler(scheduler());
        }
    }

    /** After {@code IntegrationRouteLifecycle} applied the stored integrations: their triggers are current. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER + 200) StartupEvent start)
            throws SchedulerException {
        scheduler().start();
    }

    void stop(@Observes ShutdownEvent stop) throws SchedulerException {
        Scheduler running;
        synchronized (this) {
            running = scheduler;
            scheduler = null;
        }
        if (running != null) {
            running.shutdown(true);
        }
    }

    /** The application's scheduler, created on first use; not started before {@link StartupEvent}. */
    public synchronized Scheduler scheduler() {
        if (scheduler == null) {
            scheduler = newScheduler(NAME, "AUTO");
            LOG.infof("Quartz scheduler %s clusters over the application's PostgreSQL", NAME);
        }
        return scheduler;
    }

    /**
     * A new, unstarted scheduler on the job store. Each instance of one cluster needs its own instance id
     * ({@code AUTO}: host name and start time).
     */
    public Scheduler newScheduler(String name, String instanceId) {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new PooledConnections(dataSource));
        try {
            Scheduler created = new StdSchedulerFactory(quartzProperties(name, instanceId, config)).getScheduler();
            // The factory would hand a later caller this live scheduler back by name (a test profile's restart
            // in the same JVM, a second test replica); each caller must get its own.
            SchedulerRepository.getInstance().remove(name);
            return created;
        } catch (SchedulerException e) {
            throw new IllegalStateException("Could not create the Quartz scheduler " + name, e);
        }
    }

    static Properties quartzProperties(String name, String instanceId, ScheduleStoreConfig config) {
        Properties p = new Properties();
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, name);
        p.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_ID, instanceId);
        p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(config.threadCount()));
        // Quartz commits its own work on pooled connections; none of our callers holds a transaction for it to join.
        p.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, JobStoreTX.class.getName());
        p.setProperty("org.quartz.jobStore.driverDelegateClass", PostgreSQLDelegate.class.getName());
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.isClustered", "true");
        // Without the lock, a replica that read a due trigger before another fired it can still claim it once it
        // is WAITING again, and fire the same fire time a second time (quartz-scheduler/quartz#107; seen in
        // ClusteredSchedulerTest). Under the TRIGGER_ACCESS row lock, replicas take turns choosing triggers.
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval",
                String.valueOf(config.clusterCheckinInterval().toMillis()));
        p.setProperty("org.quartz.jobStore.misfireThreshold", String.valueOf(config.misfireThreshold().toMillis()));
        return p;
    }

    /** Connections from the application's pool; the pool is Quarkus's to close, not Quartz's. */
    private record PooledConnections(DataSource dataSource) implements ConnectionProvider {

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void initialize() {
        }
    }
}
