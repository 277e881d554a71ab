package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every statement of a request runs under CUSTODIAN_STATEMENT_TIMEOUT, set on the pool the way
 * {@code serve} builds it: a request held up past it is a 503 with Retry-After that changed
 * nothing, not a hang; backups, restores and migrations, which legitimately run long, are not cut.
 */
class StatementTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Sessions of the service waiting for a lock for longer than the given milliseconds. */
    private static final String WAITING = """
            SELECT count(*) FROM pg_stat_activity
             WHERE application_name = 'custodian' AND wait_event_type = 'Lock'
               AND clock_timestamp() - query_start > ? * interval '1 millisecond'""";

    @TempDir
    static Path dataDir;
    /** The test's own connections, without a timeout: they hold locks and read rows. */
    private static DataSource direct;
    private static Database database;
    private static TestServer server;

    @BeforeAll
    static void start() {
        direct = TestDatabase.fresh();
        database = Database.open(settings(TestDatabase.urlOf(direct), TIMEOUT));
        server = TestServer.start(database.dataSource(), s -> s.withBackups(s.backupDir(), Optional.empty(), 1));
    }

    @AfterAll
    static void stop() {
        server.close();
        database.close();
    }

    @Test
    void aWriteHeldUpPastTheTimeoutIs503WithRetryAfterAndChangesNothing() throws SQLException {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(direct, id);
        long history = historyCount(id);
        String user = "/users/" + id;
        HttpResponse merge;
        HttpResponse jsonPatch;
        try (Connection holder = direct.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT id FROM users WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, id);
                lock.executeQuery().close();
            }
            merge = server.mergePatch(user, "{\"data\": {\"address\": \"3 Low St\"}}");
            jsonPatch = server.jsonPatch(user, "[{\"op\": \"replace\", \"path\": \"/data/address\", \"value\": \"3 Low St\"}]");
            holder.rollback();
        }

        assertUnavailable(merge);
        assertUnavailable(jsonPatch);
        assertThat(TestSql.user(direct, id)).isEqualTo(before);
        assertThat(historyCount(id)).isEqualTo(history);
        HttpResponse retried = server.mergePatch(user, "{\"data\": {\"address\": \"3 Low St\"}}");
        assertThat(retried.status()).as(retried.body()).isEqualTo(200);
        assertThat(TestSql.user(direct, id).at("/data/address").asText()).isEqualTo("3 Low St");
    }

    @Test
    void backupsAndRestoresWaitPastTheTimeout() throws Exception {
        TestUsers.createIncidentUser(server);

        HttpResponse created = whileUsersAreLocked(() -> server.request("POST", "/admin/backups")
                .token(server.adminToken).send());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asText();
        HttpResponse restored = whileUsersAreLocked(() -> server.request("POST", "/admin/backups/" + id + "/restore")
                .token(server.adminToken).send());

        assertThat(restored.status()).as(restored.body()).isEqualTo(200);
    }

    @Test
    void migrationsAreNotCutByTheTimeout() throws SQLException {
        DatabaseUrl empty = TestDatabase.unmigrated();

        Database.open(settings(empty, Duration.ofMillis(1))).close();

        try (Connection connection = DriverManager.getConnection(empty.jdbcUrl(), empty.user().orElse(null),
                empty.password().orElse(null));
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery(
                     "SELECT to_regclass('custodian.users') IS NOT NULL AND to_regclass('custodian.user_changes') IS NOT NULL")) {
            rows.next();
            assertThat(rows.getBoolean(1)).isTrue();
        }
    }

    private static Settings settings(DatabaseUrl url, Duration timeout) {
        return Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString(), Settings.BACKUP_EVERY, "off"))
                .withDatabaseUrl(Optional.of(url))
                .withStatementTimeout(timeout);
    }

    /**
     * Sends the request while a transaction of the test holds every row of users, and lets go
     * once the request has waited twice the timeout (or has already been answered).
     */
    private static HttpResponse whileUsersAreLocked(Supplier<HttpResponse> request) throws Exception {
        CompletableFuture<HttpResponse> response;
        try (Connection holder = direct.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
            }
            response = CompletableFuture.supplyAsync(request);
            Instant deadline = Instant.now().plusSeconds(30);
            while (TestSql.count(direct, WAITING, 2 * TIMEOUT.toMillis()) == 0) {
                assertThat(Instant.now()).as("the request waited for the lock past twice the timeout").isBefore(deadline);
                try {
                    response.get(50, TimeUnit.MILLISECONDS);
                    break; // answered while the lock is held: it did not wait, which the caller's assertions show
                } catch (TimeoutException stillWaiting) {
                    // poll again
                }
            }
            holder.rollback();
        }
        return response.get(60, TimeUnit.SECONDS);
    }

    private static void assertUnavailable(HttpResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/unavailable");
        assertThat(response.json().get("detail").asText()).contains("CUSTODIAN_STATEMENT_TIMEOUT");
        assertThat(response.header("Retry-After")).isEqualTo("5");
    }

    private static long historyCount(long id) {
        return TestSql.count(direct, "SELECT count(*) FROM user_changes WHERE user_id = ?", id);
    }
}
