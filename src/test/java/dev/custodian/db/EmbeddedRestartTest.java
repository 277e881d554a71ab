package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

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
}
