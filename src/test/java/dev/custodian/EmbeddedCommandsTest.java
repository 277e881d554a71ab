package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.config.Settings;
import dev.custodian.db.Database;
import dev.custodian.testing.TestSql;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands other than {@code serve} open the embedded database of the data directory with its password. */
class EmbeddedCommandsTest {

    @Test
    void tokenCreateSignsInToThePasswordProtectedEmbeddedDatabase(@TempDir Path dataDir) {
        Settings settings = Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));
        Database.open(settings).close();
        var err = new StringWriter();

        int exit = Main.commandLine().setErr(new PrintWriter(err, true))
                .execute("token", "create", "--name", "ops-reader", "--role", "read", "--data-dir", dataDir.toString());

        assertThat(exit).as(err.toString()).isZero();
        try (Database db = Database.open(settings)) {
            assertThat(TestSql.value(db.dataSource(), "SELECT role FROM api_tokens WHERE name = 'ops-reader'")).isEqualTo("read");
        }
    }
}
