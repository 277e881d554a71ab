package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.db.CustodianSchema;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/**
 * The proof with the real application: the classic Express + Sequelize app of the incident,
 * unchanged, on a PostgreSQL server of its own (whose log the test reads: the app itself logs no
 * error), its users table adopted with the CLI; then its own routes and its own database
 * connection meet the guards, and history shows what it did.
 */
class ClassicExpressAdoptionTest {
    private static final String PROFILE = """
            {"name": "%s", "email": "%s@example.com",
             "data": {"phone": "+1415555000%d", "address": "2 High St", "country": "US", "postalCode": "94103"}}""";

    private DataSource appDb;

    @TempDir
    Path folder;

    @TempDir
    Path postgresDir;

    @Test
    void theClassicAppsBugsMeetTheGuardsAndItsWritesAreInHistory() throws Exception {
        assumeTrue(ClassicExpressApp.nodeAndNpmPresent(), "node and npm are not installed: the classic application"
                + " (../shared/peers/classic-express) cannot run here");
        assumeTrue(ClassicExpressApp.peer().isPresent(), "shared/peers/classic-express is in no folder above the"
                + " project or the repository it was cloned from: set CUSTODIAN_CLASSIC_EXPRESS_DIR to run this test");
        ClassicExpressApp.install(folder);
        Path postgresLog = postgresDir.resolve("postgres.log");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setDataDirectory(postgresDir.resolve("data"))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(postgresLog.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(postgresLog.toFile()))
                // The log names each error's SQLSTATE.
                .setServerConfig("log_error_verbosity", "verbose").start()) {
            TestSql.execute(postgres.getPostgresDatabase(), "CREATE DATABASE classic");
            appDb = postgres.getDatabase("postgres", "classic");
            var database = new DatabaseUrl(postgres.getJdbcUrl("postgres", "classic"), Optional.of("postgres"),
                    Optional.empty());
            runTheProof(database, postgresLog);
        }
    }

    private void runTheProof(DatabaseUrl database, Path postgresLog) throws Exception {
        ClassicExpressApp.start(folder, database, true).close();
        try (var app = ClassicExpressApp.start(folder, database, false)) {
            for (int n = 1; n <= 3; n++) {
                assertThat(app.post("/users", PROFILE.formatted("User" + n, "user" + n, n)).statusCode()).isEqualTo(201);
            }
            CommandRun adopted = CommandRun.of("adopt", "--table", "users", "--key", "id", "--database-url",
                    database.jdbcUrl());
            assertThat(adopted.exit()).as(adopted.err()).isZero();
            assertThat(adopted.out()).contains("table users adopted, keyed by id: 3 rows recorded; documents guarded: data; DDL guard on");
            try (var pool = TestDatabase.pool(CustodianSchema.jdbcUrl(database), database);
                 var custodian = TestServer.start(pool, settings -> settings)) {
                driveTheApp(app, custodian, database, postgresLog);
            }
        }
    }

    private void driveTheApp(ClassicExpressApp app, TestServer custodian, DatabaseUrl database, Path postgresLog)
            throws Exception {
        // The incident's bug: the whole data column replaced by {phone}.
        JsonNode before = row(2);
        HttpResponse<String> incident = app.post("/phone-number/update/2", "{\"phonenumber\": \"+33100000000\"}");
        assertThat(incident.statusCode()).isEqualTo(500);
        assertThat(row(2)).isEqualTo(before);
        awaitLogLine(postgresLog, "CU001: users row 2: this UPDATE would remove /data/address, /data/country, /data/postalCode");

        // The usual "fix": findOne({ id }) without where writes the first row, not row 3.
        JsonNode firstRow = row(1);
        HttpResponse<String> wrongRow = app.post("/v2/phone-number/update/3", "{\"phonenumber\": \"+33200000000\"}");
        assertThat(wrongRow.statusCode()).isEqualTo(200);
        assertThat(row(3).at("/data/phone").asText()).isEqualTo("+14155550003");
        assertThat(TestSql.rows(appDb, """
                SELECT row_key, version, op, source, changes @> '[{"op": "replace", "path": "/data/phone",
                       "value": "+33200000000"}]' AS phone FROM custodian.changes WHERE op = 'update'"""))
                .containsExactly(Map.of("row_key", "1", "version", 2L, "op", "update", "source", "sql", "phone", true));
        // Custodian, served from the app's own database, undoes that one change of the wrong row.
        var undone = custodian.postJson("/tables/users/rows/1/revert", "{\"undoVersion\": 2}");
        assertThat(undone.status()).as(undone.body()).isEqualTo(200);
        assertThat(row(1)).isEqualTo(firstRow);
        assertThat(undone.json()).isEqualTo(firstRow);
        assertThat(TestSql.rows(appDb, "SELECT op, source FROM custodian.changes WHERE row_key = '1' AND version = 3"))
                .containsExactly(Map.of("op", "revert", "source", "api"));

        // Read-modify-write, 16 at once on one row: each write that would drop another's key is refused.
        var keys = IntStream.range(0, 16).mapToObj(k -> "k" + k).toList();
        List<Integer> statuses = concurrently(keys.stream().map(key -> (java.util.concurrent.Callable<Integer>) () ->
                app.post("/v2w/data/2/" + key, "{\"value\": \"" + key + "\"}").statusCode()).toList());
        List<String> saved = IntStream.range(0, 16).filter(i -> statuses.get(i) == 200).mapToObj(keys::get).toList();
        JsonNode data = row(2).get("data");
        assertThat(saved).isNotEmpty().allMatch(key -> data.has(key));
        assertThat(statuses).allMatch(status -> status == 200 || status == 500);
        assertThat(TestSql.count(appDb, "SELECT count(*) FROM custodian.changes WHERE row_key = '2' AND op = 'update'"))
                .isEqualTo(saved.size());
        assertThat(keys.stream().filter(key -> !saved.contains(key))).allMatch(key -> !data.has(key));

        lostUpdatesComeBackFromHistory(app, custodian, database);

        // The application's own connection: a TRUNCATE and an UPDATE without WHERE.
        try (Connection own = DriverManager.getConnection(database.jdbcUrl(), credentials(database));
             Statement statement = own.createStatement()) {
            for (String bulk : List.of("TRUNCATE users", "UPDATE users SET \"updatedAt\" = now()")) {
                PSQLException refused = catchThrowableOfType(() -> statement.execute(bulk), PSQLException.class);
                assertThat(refused.getSQLState()).as(bulk).isEqualTo("CU002");
            }
        }
        assertThat(TestSql.count(appDb, "SELECT count(*) FROM users")).isEqualTo(3);
    }

    /**
     * The same 16 writes with the key-loss guard turned off for the app's sessions (as a team
     * might, before fixing its app): the lost updates happen, history shows each key that a
     * stale write removed with its value, and they are brought back one by one. Undoing an
     * overwriting change alone would take back that change's own key too (it is one change), so
     * each lost value is written again through the app, one write at a time, from history.
     */
    private void lostUpdatesComeBackFromHistory(ClassicExpressApp guarded, TestServer custodian, DatabaseUrl database)
            throws Exception {
        TestSql.execute(appDb, "ALTER DATABASE classic SET custodian.allow_removal = 'on'");
        guarded.close();
        try (var app = ClassicExpressApp.start(folder, database, false)) {
            var keys = IntStream.range(0, 16).mapToObj(k -> "lost" + k).toList();
            List<Integer> statuses = concurrently(keys.stream().map(key -> (java.util.concurrent.Callable<Integer>) () ->
                    app.post("/v2w/data/3/" + key, "{\"value\": \"" + key + "\"}").statusCode()).toList());
            assertThat(statuses).allMatch(status -> status == 200);
            JsonNode data = row(3).get("data");
            List<String> lost = keys.stream().filter(key -> !data.has(key)).toList();

            JsonNode history = custodian.get("/tables/users/rows/3/history?limit=500").json().get("items");
            for (String key : lost) {
                assertThat(removals(history, key)).as("history shows that %s was removed", key).isNotEmpty();
                String value = added(history, key).orElseThrow().get("value").asText();
                assertThat(app.post("/v2w/data/3/" + key, "{\"value\": \"" + value + "\"}").statusCode()).isEqualTo(200);
            }

            JsonNode restored = row(3).get("data");
            assertThat(keys).allMatch(key -> restored.path(key).asText().equals(key));
            assertThat(restored.get("phone").asText()).isEqualTo("+14155550003");
        } finally {
            TestSql.execute(appDb, "ALTER DATABASE classic RESET custodian.allow_removal");
        }
    }

    private static List<JsonNode> removals(JsonNode history, String key) {
        var found = new java.util.ArrayList<JsonNode>();
        history.forEach(entry -> entry.get("changes").forEach(op -> {
            if (op.get("op").asText().equals("remove") && op.get("path").asText().equals("/data/" + key)) {
                found.add(entry);
            }
        }));
        return found;
    }

    private static Optional<JsonNode> added(JsonNode history, String key) {
        for (JsonNode entry : history) {
            for (JsonNode op : entry.get("changes")) {
                if (op.get("op").asText().equals("add") && op.get("path").asText().equals("/data/" + key)) {
                    return Optional.of(op);
                }
            }
        }
        return Optional.empty();
    }

    private JsonNode row(long id) {
        return TestSql.parse(TestSql.value(appDb, "SELECT to_jsonb(u)::text FROM users AS u WHERE id = ?", id).toString());
    }

    private static List<Integer> concurrently(List<java.util.concurrent.Callable<Integer>> calls) throws Exception {
        var pool = Executors.newFixedThreadPool(calls.size());
        try {
            List<Future<Integer>> futures = pool.invokeAll(calls);
            var results = new java.util.ArrayList<Integer>();
            for (Future<Integer> future : futures) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitLogLine(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(log).contains(text)) {
            assertThat(System.nanoTime()).as("PostgreSQL's log shows: " + text).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static Properties credentials(DatabaseUrl url) {
        var properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        return properties;
    }
}
