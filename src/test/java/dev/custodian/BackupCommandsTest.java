package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** {@code custodian backup create|list|verify|restore} against a real database. */
class BackupCommandsTest {
    private final DataSource db = TestDatabase.fresh();
    private final Path dataDir = temporaryDirectory();

    @Test
    void backupsAreCreatedListedVerifiedAndRestoredFromTheCommandLine() {
        TestSql.execute(db, "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com'), ('Bob', 'bob@example.com')");

        CommandRun create = run("backup", "create");
        String id = TestSql.parse(create.out()).get("id").asText();
        TestSql.execute(db, "UPDATE users SET name = 'Changed' WHERE id = 2");
        CommandRun list = run("backup", "list");
        CommandRun verify = run("backup", "verify", id);
        CommandRun restore = run("backup", "restore", id, "--user", "2");

        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(Files.exists(dataDir.resolve("backups").resolve(id + ".backup.gz"))).isTrue();
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains(id, "manual");
        assertThat(verify.exit()).as(verify.out()).isZero();
        assertThat(verify.out()).contains("sha256", "is valid");
        assertThat(restore.exit()).as(restore.err()).isZero();
        JsonNode report = TestSql.parse(restore.out());
        assertThat(report.get("restored").asLong()).isEqualTo(1);
        assertThat(report.get("actor").asText()).startsWith("cli:");
        assertThat(TestSql.value(db, "SELECT name FROM users WHERE id = 2")).isEqualTo("Bob");
    }

    @Test
    void restoreFromTheCommandLineKeepsApiWritesUnlessOverwriteNamesThem() {
        try (TestServer server = TestServer.start(db, settings -> settings.withBackups(dataDir.resolve("backups"),
                Optional.empty(), 7))) {
            TestUsers.create(server, "{\"name\": \"Ada\", \"email\": \"ada@example.com\"}");
            TestUsers.create(server, "{\"name\": \"Bob\", \"email\": \"bob@example.com\"}");
            String id = TestSql.parse(run("backup", "create").out()).get("id").asText();
            HttpResponse written = server.mergePatch("/users/1", "{\"name\": \"Ada Lovelace\"}");
            TestSql.execute(db, "UPDATE users SET name = 'Changed' WHERE id = 2");

            CommandRun preview = run("backup", "restore", id, "--dry-run");
            CommandRun restore = run("backup", "restore", id);
            Object keptName = TestSql.value(db, "SELECT name FROM users WHERE id = 1");
            CommandRun overwrite = run("backup", "restore", id, "--overwrite", "1");
            CommandRun invalid = run("backup", "restore", id, "--overwrite", "one");

            assertThat(written.status()).as(written.body()).isEqualTo(200);
            assertThat(preview.exit()).as(preview.err()).isZero();
            assertThat(TestSql.parse(preview.out()).at("/kept/written/ids/0").asLong()).isEqualTo(1);
            assertThat(restore.exit()).as(restore.err()).isZero();
            assertThat(TestSql.parse(restore.out()).at("/returned/damaged/ids/0").asLong()).isEqualTo(2);
            assertThat(keptName).isEqualTo("Ada Lovelace");
            assertThat(overwrite.exit()).as(overwrite.err()).isZero();
            assertThat(TestSql.parse(overwrite.out()).at("/returned/written/ids/0").asLong()).isEqualTo(1);
            assertThat(TestSql.value(db, "SELECT string_agg(name, ',' ORDER BY id) FROM users")).isEqualTo("Ada,Bob");
            assertThat(invalid.exit()).isEqualTo(2);
            assertThat(invalid.err()).contains("custodian: --overwrite takes 'all' or user ids");
        }
    }

    @Test
    void aMissingOrDamagedBackupExitsNonZeroWithAMessage() throws IOException {
        TestSql.execute(db, "INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com')");
        String id = TestSql.parse(run("backup", "create").out()).get("id").asText();
        Path file = dataDir.resolve("backups").resolve(id + ".backup.gz");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(dataDir.resolve("backups").resolve("cut.backup.gz"), Arrays.copyOf(bytes, bytes.length - 20));

        CommandRun missing = run("backup", "restore", "nothing-here");
        CommandRun verifyCut = run("backup", "verify", "cut");
        CommandRun restoreCut = run("backup", "restore", "cut");

        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("custodian: no backup 'nothing-here'");
        assertThat(verifyCut.exit()).isEqualTo(1);
        assertThat(verifyCut.out()).contains("FAILED", "truncated", "INVALID");
        assertThat(restoreCut.exit()).isEqualTo(1);
        assertThat(restoreCut.err()).contains("backup 'cut' is invalid", "truncated");
    }

    @Test
    void aBackupFolderThatCannotBeWrittenExitsNonZeroWithAMessage() throws IOException {
        Files.writeString(dataDir.resolve("backups"), "a file where the backup folder should be");

        CommandRun create = run("backup", "create");

        assertThat(create.exit()).isEqualTo(1);
        assertThat(create.err()).startsWith("custodian: could not write a backup to");
    }

    private CommandRun run(String... args) {
        return CommandRun.run(db, dataDir, args);
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("custodian-cli");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
