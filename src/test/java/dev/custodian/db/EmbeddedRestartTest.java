package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.custodian.config.Settings;
import dev.custodian.testing.EmbeddedCluster;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database keeps its data under the data directory across restarts. */
class EmbeddedRestartTest {

    @Test
    void dataWrittenBeforeARestartIsThereAfterIt(@TempDir Path dataDir) {
        Settings settings = settings(dataDir);

        try (Database first = Database.open(settings)) {
            TestSql.execute(first.dataSource(),
                    "INSERT INTO users (name, email, data) VALUES ('Kept', 'kept@example.com', '{\"phone\": \"+14155550123\"}')");
        }
        try (Database second = Database.open(settings)) {
            assertThat(TestSql.value(second.dataSource(), "SELECT data->>'phone' FROM users WHERE email = 'kept@example.com'"))
                    .isEqualTo("+14155550123");
            assertThat(second.embeddedDirectory()).contains(dataDir.resolve("postgres"));
        }
    }

    /**
     * kill -9 of the service leaves its PostgreSQL running, and anything still connected to it
     * (psql, another application) would keep it from stopping as a plain SIGTERM asks.
     */
    @Test
    void aServerKilledWithoutStoppingDoesNotBlockTheNextStartEvenWithSessionsConnected(@TempDir Path dataDir)
            throws Exception {
        ProcessHandle orphan;
        try (ServiceProcess killed = ServiceProcess.serve(dataDir, Map.of()).awaitReady(Duration.ofSeconds(120));
             Connection session = EmbeddedCluster.connect(dataDir, "postgres", EmbeddedCluster.password(dataDir))) {
            orphan = EmbeddedCluster.postmaster(dataDir);
            killed.kill();
            assertThat(killed.stdout() + killed.stderr()).as("the log").doesNotContain(EmbeddedCluster.password(dataDir));
            assertThat(orphan.isAlive()).as("PostgreSQL outlives the killed service").isTrue();
            assertThat(session.isValid(5)).isTrue();

            long started = System.nanoTime();
            try (Database next = Database.open(settings(dataDir))) {
                // Measured at 1-2 s on a busy 2-core machine; a SIGTERM would wait for the session for ever.
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
                assertThat(orphan.isAlive()).isFalse();
                assertThat(session.isValid(5)).as("the session to the orphan was ended").isFalse();
                assertThat(TestSql.count(next.dataSource(), "SELECT count(*) FROM api_tokens")).isOne();
            }
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedClearly(@TempDir Path dataDir) {
        Settings settings = settings(dataDir);

        try (Database first = Database.openForServing(settings)) {
            assertThatThrownBy(() -> Database.openForServing(settings).close())
                    .isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessage("the server running on " + dataDir + " (pid " + ProcessHandle.current().pid()
                            + ") already serves this data directory; stop it first, or serve another one (--data-dir)");
            assertThat(TestSql.count(first.dataSource(), "SELECT 1")).isOne();
        }
    }

    private static Settings settings(Path dataDir) {
        return Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));
    }
}
