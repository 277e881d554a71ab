package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.config.Settings;
import dev.custodian.db.Database;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands other than {@code serve} with no server running on the embedded data directory:
 * each starts the embedded database itself, with its password, and stops it when done; two at
 * once take turns.
 */
class EmbeddedCommandsTest {

    @Test
    void tokenCreateSignsInToThePasswordProtectedEmbeddedDatabase(@TempDir Path dataDir) {
        Settings settings = settings(dataDir);
        Database.open(settings).close();

        var run = CommandRun.of("token", "create", "--name", "ops-reader", "--role", "read", "--data-dir", dataDir.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        try (Database db = Database.open(settings)) {
            assertThat(TestSql.value(db.dataSource(), "SELECT role FROM api_tokens WHERE name = 'ops-reader'")).isEqualTo("read");
        }
    }

    @Test
    void withoutAServerEachCommandStartsAndStopsItsOwnDatabaseAndTheServerLaterSeesWhatTheyDid(
            @TempDir Path dataDir, @TempDir Path logs) throws Exception {
        var token = command(dataDir, "token", "create", "--name", "ops-admin", "--role", "admin");
        var create = command(dataDir, "backup", "create");
        String id = TestSql.parse(create.out()).get("id").asText();
        var list = command(dataDir, "backup", "list");
        var verify = command(dataDir, "backup", "verify", id);
        var preview = command(dataDir, "backup", "restore", id, "--dry-run");

        for (CommandRun run : List.of(token, create, list, verify, preview)) {
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.messages()).containsExactly("custodian: no server is running on " + dataDir
                    + "; started its embedded database for this command");
        }
        assertThat(list.out()).contains(id);
        assertThat(verify.out()).contains("is valid");
        assertThat(TestSql.parse(preview.out()).get("dryRun").asBoolean()).isTrue();
        assertThat(dataDir.resolve("postgres").resolve("postmaster.pid")).as("stopped when done").doesNotExist();
        try (var server = ServiceProcess.serve(dataDir, Map.of("CUSTODIAN_BACKUP_EVERY", "off"))
                .awaitReady(Duration.ofSeconds(120))) {
            assertThat(server.send("GET", "/admin/backups", token.out().strip(), null).json().get("items"))
                    .extracting(item -> item.get("id").asText()).containsExactly(id);
        }
    }

    /** Before they took turns, both started PostgreSQL on one new cluster: one found it locked, the other gave up after 120 s. */
    @Test
    void commandsStartedAtOnceOnANewDataDirectoryTakeTurnsAndAllSucceed(@TempDir Path dataDir, @TempDir Path logs)
            throws Exception {
        List<ServiceProcess> runs = Stream.of(
                        List.of("backup", "create"), List.of("backup", "create"),
                        List.of("token", "create", "--name", "at-once", "--role", "read"))
                .map(args -> ServiceProcess.run(logs, Map.of("CUSTODIAN_DB_WAIT", "150s"), Stream.concat(args.stream(),
                        Stream.of("--data-dir", dataDir.toString())).toArray(String[]::new)))
                .toList();

        for (ServiceProcess run : runs) {
            // They run one after the other, each starting PostgreSQL (the first with initdb): up to
            // 40 s each measured on a busy 2-core machine, hence the long wait for the turn.
            assertThat(run.awaitExit(Duration.ofSeconds(300))).as(run.stderr()).isZero();
        }
        try (var files = Files.list(dataDir.resolve("backups"))) {
            List<String> ids = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".backup.gz")).map(name -> name.replace(".backup.gz", "")).toList();
            assertThat(ids).hasSize(2);
            for (String id : ids) {
                assertThat(command(dataDir, "backup", "verify", id).out()).contains("backup " + id + " is valid");
            }
        }
        try (Database db = Database.open(settings(dataDir))) {
            assertThat(TestSql.value(db.dataSource(), "SELECT role FROM api_tokens WHERE name = 'at-once'")).isEqualTo("read");
        }
    }

    @Test
    void aCommandWaitsForAnotherCommandNoLongerThanCustodianDbWaitAndSaysSoOnce(@TempDir Path dataDir, @TempDir Path logs)
            throws Exception {
        try (Database busy = Database.open(settings(dataDir))) {
            var waiting = ServiceProcess.run(logs, Map.of("CUSTODIAN_DB_WAIT", "1s"),
                    "backup", "create", "--data-dir", dataDir.toString());

            int exit = waiting.awaitExit(Duration.ofSeconds(60));

            String stderr = waiting.stderr();
            assertThat(exit).as(stderr).isEqualTo(1);
            assertThat(stderr.lines().filter(line -> line.startsWith("custodian:")).toList()).as(stderr)
                    .containsExactly("custodian: the embedded database in " + dataDir + " stayed busy for 1 s: another"
                            + " Custodian (pid " + ProcessHandle.current().pid() + ") is starting or stopping it, or running"
                            + " a command on it; try again when it is done, or wait longer with CUSTODIAN_DB_WAIT");
            assertThat(dataDir.resolve("backups")).doesNotExist();
            assertThat(TestSql.count(busy.dataSource(), "SELECT 1")).as("the first command's database still runs").isOne();
        }
    }

    private static CommandRun command(Path dataDir, String... args) {
        return CommandRun.of(Stream.concat(Stream.of(args), Stream.of("--data-dir", dataDir.toString())).toArray(String[]::new));
    }

    private static Settings settings(Path dataDir) {
        return Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));
    }
}
