package io.komo.sync.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Tells the embedded PostgreSQL when the application has stopped: the application context is destroyed
 * after the routes have stopped and with it the datasource's pool, so nothing uses the server any more.
 */
@Singleton
public class EmbeddedPostgresLifecycle {

    static void applicationStopped(@Observes @Destroyed(ApplicationScoped.class) Object event) {
        EmbeddedPostgresServer.applicationStopped();
    }
}
