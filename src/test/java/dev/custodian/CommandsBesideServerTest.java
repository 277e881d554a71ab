package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.ServiceProcess;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands the README shows, run while {@code serve} runs on the same embedded data
 * directory: each uses the server's own PostgreSQL instead of starting another, says so in one
 * line, leaves the server running, and what it did is what the server's HTTP API shows.
 */
class CommandsBesideServerTest {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path logs;

    private static ServiceProcess server;
    private static String adminToken;

    @BeforeAll
    static void serve() throws Exception {
        server = ServiceProcess.serve(dataDir, Map.of("CUSTODIAN_BACKUP_EVERY", "off")).awaitReady(Duration.ofSeconds(120));
        adminToken = Files.readString(dataDir.resolve("admin-token")).strip();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        server.close();
    }

    @Test
    void aTokenCreatedBesideTheServerSignsInToItWithItsRole() throws Exception {
        long postgres = postmasterPid();

        var create = command("token", "create", "--name", "ops-reader", "--role", "read");
        String token = create.out().strip();

        assertUsedTheServersDatabase(create, postgres);
        assertThat(server.send("GET", "/users", token, null).status()).isEqualTo(200);
        assertThat(server.send("GET", "/admin/backups", token, null).status()).as("a read token").isEqualTo(403);
        assertThat(server.send("GET", "/users", "cus_not-a-token", null).status()).isEqualTo(401);
    }

    @Test
    void backupsMadeBesideTheServerAreTheServersBackupsAndAPreviewChangesNothing() throws Exception {
        long postgres = postmasterPid();
        HttpResponse created = server.send("POST", "/users", adminToken, "{\"name\": \"Ada\", \"email\": \"ada@beside.example\"}");
        String user = "/users/" + created.json().get("id").asLong();
        server.send("PATCH", user, adminToken, "{\"name\": \"Ada Lovelace\"}");
        HttpResponse before = server.send("GET", user, adminToken, null);

        var create = command("backup", "create");
        String id = TestSql.parse(create.out()).get("id").asText();
        var list = command("backup", "list");
        var verify = command("backup", "verify", id);
        var preview = command("backup", "restore", id, "--dry-run");

        for (CommandRun run : List.of(create, list, verify, preview)) {
            assertUsedTheServersDatabase(run, postgres);
        }
        JsonNode backups = server.send("GET", "/admin/backups", adminToken, null).json().get("items");
        assertThat(backups).extracting(item -> item.get("id").asText()).contains(id);
        assertThat(TestSql.parse(create.out()).get("users").asLong()).as("the server's one user").isEqualTo(1);
        assertThat(list.out()).contains(id, "manual");
        assertThat(verify.out()).contains("is valid");
        assertThat(TestSql.parse(preview.out()).get("dryRun").asBoolean()).isTrue();
        assertThat(server.send("GET", user, adminToken, null).body()).as("the preview changed nothing").isEqualTo(before.body());
    }

    @Test
    void anApplicationRoleGrantedBesideTheServerWritesUsersThatTheServerShowsWithTheirHistory() throws Exception {
        long postgres = postmasterPid();
        String password = Files.readString(dataDir.resolve("postgres-password")).strip();
        String url = "jdbc:postgresql://127.0.0.1:" + Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid"))
                .get(3).strip() + "/postgres";
        try (Connection admin = DriverManager.getConnection(url, "postgres", password);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE ROLE beside_app LOGIN PASSWORD 'beside'");
        }

        var granted = command("db", "grant-app", "beside_app");

        assertUsedTheServersDatabase(granted, postgres);
        assertThat(granted.out()).contains("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE custodian.users TO beside_app;");
        long id;
        try (Connection app = DriverManager.getConnection(url, "beside_app", "beside");
             Statement statement = app.createStatement();
             ResultSet row = statement.executeQuery("INSERT INTO custodian.users (name, email) VALUES ('Beside', 'beside@app.example')"
                     + " RETURNING id")) {
            row.next();
            id = row.getLong(1);
        }
        JsonNode entry = server.send("GET", "/users/" + id + "/history", adminToken, null).json().get("items").get(0);
        assertThat(entry.get("actor").asText()).isEqualTo("sql:beside_app");
        assertThat(entry.get("source").asText()).isEqualTo("sql");
        // The other tests count the server's users: this one leaves none.
        try (Connection app = DriverManager.getConnection(url, "beside_app", "beside");
             Statement statement = app.createStatement()) {
            assertThat(statement.executeUpdate("DELETE FROM custodian.users WHERE id = " + id)).isEqualTo(1);
        }
    }

    @Test
    void aUserErasedBesideTheServerIsGoneFromItsApiAfterAPreviewThatChangedNothing() throws Exception {
        long postgres = postmasterPid();
        HttpResponse created = server.send("POST", "/users", adminToken,
                "{\"name\": \"Grace\", \"email\": \"grace@beside.example\", \"data\": {\"phone\": \"+14155550142\"}}");
        long id = created.json().get("id").asLong();
        String user = "/users/" + id;
        server.send("PATCH", user, adminToken, "{\"name\": \"Grace Hopper\"}");
        HttpResponse before = server.send("GET", user, adminToken, null);

        var preview = command("user", "erase", Long.toString(id), "--reason", "ticket 12", "--dry-run");
        HttpResponse afterPreview = server.send("GET", user, adminToken, null);
        var erase = command("user", "erase", Long.toString(id), "--reason", "ticket 12");
        var again = command("user", "erase", Long.toString(id), "--reason", "ticket 12");

        assertUsedTheServersDatabase(preview, postgres);
        assertUsedTheServersDatabase(erase, postgres);
        assertThat(TestSql.parse(preview.out()).get("dryRun").asBoolean()).isTrue();
        assertThat(TestSql.parse(preview.out()).get("historyEntries").asLong()).isEqualTo(3);
        assertThat(afterPreview.body()).as("the preview changed nothing").isEqualTo(before.body());
        JsonNode report = TestSql.parse(erase.out());
        assertThat(report.get("rows").asLong()).isEqualTo(1);
        assertThat(report.get("actor").asText()).startsWith("cli:");
        assertThat(server.send("GET", user, adminToken, null).status()).isEqualTo(404);
        HttpResponse history = server.send("GET", user + "/history", adminToken, null);
        assertThat(history.json().get("items").get(0).get("op").asText()).isEqualTo("erase");
        assertThat(history.body()).doesNotContain("Grace", "grace@beside.example", "+14155550142");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.messages()).anyMatch(line -> line.startsWith("custodian: user " + id + " was erased at "));
    }

    @Test
    void aSecondServerOnTheDataDirectoryIsRefusedInOneLineNamingTheFirst() throws Exception {
        var second = ServiceProcess.run(logs, Map.of(), "serve", "--port", "0", "--data-dir", dataDir.toString());

        int exit = second.awaitExit(Duration.ofSeconds(60));

        String stderr = second.stderr();
        List<String> messages = Arrays.stream(stderr.split("\n")).filter(line -> line.startsWith("custodian:")).toList();
        assertThat(exit).as(stderr).isEqualTo(1);
        assertThat(messages).as(stderr).containsExactly("custodian: the server running on " + dataDir + " (pid "
                + server.handle().pid() + ") already serves this data directory; stop it first, or serve another one (--data-dir)");
        assertThat(stderr).as("no stack trace").doesNotContainPattern("(?m)^\\s+at ");
        assertThat(server.send("GET", "/health", adminToken, null).status()).isEqualTo(200);
    }

    private static CommandRun command(String... args) {
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return CommandRun.of(all);
    }

    /**
     * The command succeeded, said whose database it used, and neither started nor stopped a
     * PostgreSQL: the server's is the same process, and the server still answers.
     */
    private static void assertUsedTheServersDatabase(CommandRun run, long postgres) throws Exception {
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.messages()).containsExactly("custodian: using the database of the server running on " + dataDir
                + " (pid " + server.handle().pid() + ")");
        assertThat(postmasterPid()).isEqualTo(postgres);
        assertThat(ProcessHandle.of(postgres).map(ProcessHandle::isAlive)).contains(true);
        assertThat(server.send("GET", "/health", adminToken, null).status()).isEqualTo(200);
    }

    /** The pid of the PostgreSQL serving the data directory, from its postmaster.pid (first line). */
    private static long postmasterPid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).strip());
    }
}
