package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@code custodian rollback} and {@code backup restore} run as jobs in the command's process:
 * the report on standard output, progress lines on standard error (not a terminal here), and
 * refused while another rollback or restore holds the job lock on the database.
 */
class RollbackCommandTest {
    private final DataSource db = TestDatabase.fresh();
    private final Path dataDir = temporaryDirectory();

    @Test
    void rollbackUndoesTheWindowAndShowsProgressLines() throws SQLException {
        TestSql.execute(db, "INSERT INTO users (name, email, data) SELECT 'User ' || n, 'cli-' || n || '@example.com',"
                + " jsonb_build_object('country', 'US') FROM generate_series(1, 30) n");
        String from = now();
        damageAll();
        String to = now();

        CommandRun rollback = CommandRun.run(db, dataDir, "rollback", "--from", from, "--to", to, "--source", "sql");

        assertThat(rollback.exit()).as(rollback.err()).isZero();
        JsonNode report = TestSql.parse(rollback.out());
        assertThat(report.get("usersAffected").asLong()).isEqualTo(30);
        assertThat(report.get("changesUndone").asLong()).isEqualTo(30);
        assertThat(rollback.err()).contains("progress: 30/30 users, 30 changes undone, 0 conflicts");
        assertThat(TestSql.count(db, "SELECT count(*) FROM users WHERE data = '{\"country\": \"US\"}'")).isEqualTo(30);
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE op = 'rollback' AND actor LIKE 'cli:%'"))
                .isEqualTo(30);
        assertThat(TestSql.value(db, "SELECT status FROM jobs WHERE kind = 'rollback'")).isEqualTo("succeeded");
    }

    @Test
    void rollbackIsRefusedWhileAnotherJobHoldsTheLock() throws SQLException {
        TestSql.execute(db, "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");
        String from = now();
        damageAll();
        String to = now();
        try (Connection other = db.getConnection(); Statement statement = other.createStatement()) {
            statement.execute("SELECT pg_advisory_lock(1129665364, hashtext('jobs'))");

            CommandRun refused = CommandRun.run(db, dataDir, "rollback", "--from", from, "--to", to);

            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.messages()).anyMatch(line -> line.contains("another rollback or restore is running"));
            assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE op = 'rollback'")).isZero();
            statement.execute("SELECT pg_advisory_unlock(1129665364, hashtext('jobs'))");
        }
    }

    @Test
    void invalidWindowIsRefusedNamingTheOption() {
        CommandRun refused = CommandRun.run(db, dataDir, "rollback", "--from", "2026-11-26T10:00:00Z", "--to",
                "2026-11-26T09:00:00Z");

        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.messages()).containsExactly("custodian: /to: must be later than from");
    }

    private void damageAll() throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL custodian.allow_rows = '1000'");
                statement.execute("UPDATE users SET data = data || '{\"bad\": true}'");
            }
            connection.commit();
        }
    }

    private String now() {
        return TestSql.value(db, "SELECT custodian_time(clock_timestamp())").toString();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("custodian-rollback-command");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
