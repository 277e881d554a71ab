package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.db.Database;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} as an operator runs it, with a database setting that cannot work: one
 * {@code custodian: } line that says what to do, exit code 2 when a setting must change or 1
 * when the database stayed out of reach, and no stack trace on the terminal.
 */
class StartFailuresTest {
    /** A server that asks for passwords, as production servers do: the product's own embedded one. */
    private static Database server;
    private static DatabaseUrl serverUrl;
    private static Path serverDir;

    @TempDir
    Path workDir;

    @BeforeAll
    static void startServer() throws IOException {
        serverDir = Files.createTempDirectory("custodian-start-failures");
        server = Database.openForServing(Settings.fromEnvironment(Map.of(Settings.DATA_DIR, serverDir.toString())));
        serverUrl = TestDatabase.urlOf(server.dataSource());
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void aDatabaseThatIsDownIsRetriedForTheConfiguredTimeThenExits1() throws Exception {
        int closed = ServiceProcess.freePort();

        var run = serve("postgresql://postgres@127.0.0.1:" + closed + "/postgres");

        assertOneLine(run, 1, "cannot reach PostgreSQL at 127.0.0.1:" + closed, "Connection refused",
                "after trying for 2 s", "CUSTODIAN_DB_WAIT");
    }

    @Test
    void anUnknownDatabaseExits2NamingIt() throws Exception {
        var run = serve(url("postgres", password(), "no_such_db"));

        assertOneLine(run, 2, "has no database \"no_such_db\"", "CREATE DATABASE no_such_db", "CUSTODIAN_DATABASE_URL");
    }

    @Test
    void anUnknownRoleExits2() throws Exception {
        var run = serve(url("nobody", "whatever", "postgres"));

        assertOneLine(run, 2, "refused user \"nobody\"", "password authentication failed", "user and password");
    }

    @Test
    void aWrongPasswordExits2WithoutShowingIt() throws Exception {
        var run = serve(url("postgres", "not-the-password", "postgres"));

        assertOneLine(run, 2, "refused user \"postgres\"", "password authentication failed", "user and password");
        assertThat(run.stderr()).doesNotContain("not-the-password").doesNotContain(password());
    }

    @Test
    void aMissingPasswordExits2() throws Exception {
        var run = serve(url("postgres", "", "postgres").replace("postgres:@", "postgres@"));

        assertOneLine(run, 2, "refused user \"postgres\"", "no password was provided", "user and password");
    }

    @Test
    void anInvalidPortExits2NamingTheSetting() throws Exception {
        var databasePort = serve("postgresql://postgres@127.0.0.1:99999/postgres");
        var jdbcPort = serve("jdbc:postgresql://127.0.0.1:0/postgres");
        var listenPort = run("serve", "--port", "70000", "--data-dir", workDir.toString());
        var notANumber = run("serve", "--port", "eighty", "--data-dir", workDir.toString());

        assertOneLine(databasePort, 2, "--database-url has port '99999'", "from 1 to 65535");
        assertOneLine(jdbcPort, 2, "--database-url has port '0'", "from 1 to 65535");
        assertOneLine(listenPort, 2, "--port", "from 0 to 65535, got 70000");
        assertOneLine(notANumber, 2, "'eighty' is not an int", "custodian serve --help");
    }

    @Test
    void aRetentionThatIsNotInDaysExits2NamingTheSetting() throws Exception {
        var process = ServiceProcess.run(workDir, Map.of("CUSTODIAN_HISTORY_KEEP", "400m"),
                "serve", "--port", "0", "--data-dir", workDir.toString());
        process.awaitExit(Duration.ofSeconds(60));

        assertOneLine(process, 2, "CUSTODIAN_HISTORY_KEEP must be a number of days such as 400d", "got '400m'");
    }

    private ServiceProcess serve(String databaseUrl) throws InterruptedException {
        return run("serve", "--port", "0", "--data-dir", workDir.toString(), "--database-url", databaseUrl);
    }

    private ServiceProcess run(String... arguments) throws InterruptedException {
        var process = ServiceProcess.run(workDir, Map.of("CUSTODIAN_DB_WAIT", "2s"), arguments);
        // Start-up, two seconds of retries, and the exit, on a busy machine.
        process.awaitExit(Duration.ofSeconds(60));
        return process;
    }

    private static void assertOneLine(ServiceProcess run, int exitCode, String... fragments) throws InterruptedException {
        String stderr = run.stderr();
        List<String> lines = Arrays.stream(stderr.split("\n")).filter(line -> line.startsWith("custodian:")).toList();
        assertThat(run.awaitExit(Duration.ZERO)).as(stderr).isEqualTo(exitCode);
        assertThat(lines).as(stderr).hasSize(1);
        assertThat(lines.get(0)).contains(fragments);
        assertThat(stderr).as("no stack trace").doesNotContainPattern("(?m)^\\s+at ").doesNotContain("Exception in");
    }

    private static String url(String user, String password, String database) {
        String port = serverUrl.jdbcUrl().replaceFirst("^jdbc:postgresql://[^:]+:(\\d+)/.*$", "$1");
        return "postgresql://" + user + ":" + password + "@127.0.0.1:" + port + "/" + database;
    }

    private static String password() {
        return serverUrl.password().orElseThrow();
    }
}
