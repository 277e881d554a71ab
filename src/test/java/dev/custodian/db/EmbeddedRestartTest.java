package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.custodian.config.Settings;
import dev.custodian.testing.TestSql;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded database keeps its data under the data directory across restarts. */
class EmbeddedRestartTest {

    @Test
    void dataWrittenBeforeARestartIsThereAfterIt(@TempDir Path dataDir) {
        Settings settings = Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));

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

    @Test
    void aServerKilledWithoutStoppingDoesNotBlockTheNextStart(@TempDir Path dataDir) throws Exception {
        Process killed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.custodian.Main",
                "serve", "--port", "0", "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("first.log").toFile()).start();
        Path adminToken = dataDir.resolve("admin-token");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!java.nio.file.Files.exists(adminToken) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(adminToken).exists();
        killed.destroyForcibly().waitFor();

        Settings settings = Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));
        try (Database next = Database.open(settings)) {
            assertThat(TestSql.count(next.dataSource(), "SELECT count(*) FROM api_tokens")).isOne();
        }
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedClearly(@TempDir Path dataDir) {
        Settings settings = Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));

        try (Database first = Database.open(settings)) {
            assertThatThrownBy(() -> Database.open(settings).close())
                    .hasMessageContaining("another Custodian is using");
            assertThat(TestSql.count(first.dataSource(), "SELECT 1")).isOne();
        }
    }
}
