package io.komo.sync.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server is where the installation's data lives when no external one is configured. */
class EmbeddedPostgresServerTest {

    @Test
    void theServerFlushesEveryCommitToDiskUnlessToldItsDataIsThrownAway(@TempDir Path dir) throws Exception {
        try (EmbeddedPostgres kept = EmbeddedPostgresServer.start(dir.resolve("kept"), true, false)) {
            assertThat(setting(kept, "fsync")).isEqualTo("on");
            assertThat(setting(kept, "synchronous_commit")).isEqualTo("on");
        }
        try (EmbeddedPostgres throwaway = EmbeddedPostgresServer.start(dir.resolve("throwaway"), false, false)) {
            assertThat(setting(throwaway, "fsync")).isEqualTo("off");
        }
    }

    private static String setting(EmbeddedPostgres postgres, String name) throws Exception {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement sql = c.createStatement();
                ResultSet rs = sql.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
