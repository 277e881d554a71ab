package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.db.Database;
import dev.custodian.testing.CapturedLogs;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Database passwords and request bodies never reach a log line or an error message; the
 * access log keeps the request id, route, status and time.
 */
class SecretsStayOutOfLogsTest {
    private static final String MARKER = "Zq7-private-value";

    private final DataSource db = TestDatabase.fresh();
    private final DatabaseUrl test = TestDatabase.urlOf(db);
    /** The test server's own password when it has one, so connecting still works; else any. */
    private final String password = test.password().orElse("s3cret-Pw9");

    @TempDir
    Path dataDir;

    @Test
    void databaseUrlsAreLoggedWithoutTheirPassword() {
        String withoutQuery = test.jdbcUrl().replaceFirst("\\?.*$", "");
        String hostAndDatabase = withoutQuery.substring("jdbc:postgresql://".length());
        String user = test.user().orElse("postgres");
        var urls = new String[] {
            "postgresql://" + user + ":" + password + "@" + hostAndDatabase,
            withoutQuery + "?user=" + user + "&password=" + password,
        };
        for (String url : urls) {
            Settings settings = settings(DatabaseUrl.parse("CUSTODIAN_DATABASE_URL", url));
            try (var logs = new CapturedLogs(); Database opened = Database.open(settings)) {
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("database: jdbc:postgresql://"))
                        .noneSatisfy(line -> assertThat(line).contains(password));
                assertThat(settings.toString()).doesNotContain(password);
            }
        }
    }

    @Test
    void aDatabaseThatCannotBeOpenedIsReportedWithoutThePassword() {
        Settings settings = settings(DatabaseUrl.parse("CUSTODIAN_DATABASE_URL",
                "jdbc:postgresql://localhost:" + closedPort() + "/nowhere?user=x&password=" + password));

        try (var logs = new CapturedLogs()) {
            assertThatThrownBy(() -> Database.open(settings).close()).satisfies(failure -> {
                for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                    assertThat(String.valueOf(cause.getMessage())).doesNotContain(password);
                }
            });
            assertThat(logs.lines()).noneSatisfy(line -> assertThat(line).contains(password));
        }
    }

    /** A port nothing listens on, so the connection fails as when PostgreSQL is down. */
    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aJdbcUrlWithCredentialsBeforeTheHostIsRefusedWithoutQuotingThem() {
        var err = new StringWriter();

        int exit = Main.commandLine().setErr(new PrintWriter(err, true)).execute("token", "list",
                "--database-url", "jdbc:postgresql://x:" + password + "@localhost:1/db");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--database-url", "postgresql://user:pass@host").doesNotContain(password);
    }

    @Test
    void failedWritesLogNeitherTheBodyNorTheDatabasesQuoteOfIt() {
        try (Database opened = Database.open(settings(test));
             TestServer server = TestServer.start(opened.dataSource(), settings -> settings);
             var logs = new CapturedLogs()) {
            long id = TestUsers.create(server, "{\"name\": \"Ada\", \"email\": \"" + TestUsers.uniqueEmail()
                    + "\", \"data\": {\"" + MARKER + "\": {\"kept\": 1}}}");

            HttpResponse unstorable = server.mergePatch("/users/" + id, "{\"data\": {\"note\": \"" + MARKER + "\\u0000\"}}");
            HttpResponse lossy = server.mergePatch("/users/" + id, "{\"data\": {\"" + MARKER + "\": \"flat\"}}");

            assertThat(unstorable.status()).isBetween(400, 599);
            assertThat(lossy.status()).isEqualTo(409);
            assertThat(lossy.json().get("lost").get(0).asText())
                    .as("the guard's DETAIL is still read, only not logged").isEqualTo("/data/" + MARKER + "/kept");
            assertThat(logs.lines()).isNotEmpty().noneSatisfy(line -> assertThat(line).contains(MARKER));
        }
    }

    @Test
    void theAccessLogHasTheRequestIdRouteStatusAndTimeButNotTheQuery() {
        try (TestServer server = TestServer.start(db, settings -> settings); var logs = new CapturedLogs()) {
            long id = TestUsers.createIncidentUser(server);

            server.request("GET", "/users/" + id + "?email=" + MARKER).header("X-Request-Id", "trace-" + MARKER.length())
                    .send();
            server.request("GET", "/no/such/place").header("X-Request-Id", "trace-unknown").send();

            assertThat(logs.lines())
                    .anySatisfy(line -> assertThat(line).matches("GET /users/\\{id} 200 [0-9.]+ ms request=trace-17 actor=.+"))
                    .anySatisfy(line -> assertThat(line).matches("GET unmatched 404 [0-9.]+ ms request=trace-unknown actor=-"))
                    .noneSatisfy(line -> assertThat(line).contains(MARKER));
        }
    }

    private Settings settings(DatabaseUrl url) {
        return Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString(), Settings.DB_WAIT, "off"))
                .withDatabaseUrl(Optional.of(url));
    }
}
