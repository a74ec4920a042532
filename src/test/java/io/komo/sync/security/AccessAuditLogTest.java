package io.komo.sync.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** An access audit entry is always storable, and one that still cannot be written is counted, not dropped silently. */
class AccessAuditLogTest {

    @Test
    void everyTextOfAnEntryIsEscapedAndCutToItsColumn() {
        AccessAuditLog.Entry entry = AccessAuditLog.storable(new AccessAuditLog.Entry(Instant.EPOCH, "name\0", "admin",
                "VERYLONGMETHOD", "/api/integrations/a\0b" + "x".repeat(3000), 400, "10.0.0.1\n"));

        assertThat(entry.principal()).isEqualTo("name\\u0000");
        assertThat(entry.method()).isEqualTo("VERYLONGME");
        assertThat(entry.path()).startsWith("/api/integrations/a\\u0000bxxx").hasSize(2048);
        assertThat(entry.remote()).isEqualTo("10.0.0.1\\u000a");
        assertThat(entry.status()).isEqualTo(400);
    }

    @Test
    void anEntryThatCannotBeWrittenIsCountedAndDoesNotThrow() {
        AccessAuditLog log = new AccessAuditLog();
        log.dataSource = new UnreachableDatabase();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        log.registry = registry;

        log.write(AccessAuditLog.storable(new AccessAuditLog.Entry(Instant.now(), "test-admin", "admin", "GET",
                "/api/contacts", 200, "127.0.0.1")));

        assertThat(registry.counter(AccessAuditLog.FAILURES).count()).isEqualTo(1.0);
    }

    /** A database that cannot be reached. */
    private static final class UnreachableDatabase implements DataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("connection refused");
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLException("connection refused");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
