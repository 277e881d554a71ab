package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.config.Settings;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * A server over its own fresh database and backup folder: backups cover whole tables, so each
 * test that takes one needs a database no other test writes to.
 */
final class BackupFixture implements AutoCloseable {
    final DataSource db;
    final Path folder;
    final TestServer server;

    BackupFixture() {
        this(Optional.empty(), 7);
    }

    BackupFixture(Optional<Duration> every, int keep) {
        this(every, keep, UnaryOperator.identity());
    }

    /** With the settings adjusted by {@code tweak} after the backup folder and schedule are set. */
    BackupFixture(Optional<Duration> every, int keep, UnaryOperator<Settings> tweak) {
        this.db = TestDatabase.fresh();
        this.folder = temporaryFolder();
        this.server = TestServer.start(db, settings -> tweak.apply(settings.withBackups(folder, every, keep)));
    }

    HttpResponse admin(String method, String path) {
        return server.request(method, path).token(server.adminToken).send();
    }

    HttpResponse admin(String method, String path, String json) {
        return server.request(method, path).token(server.adminToken).json(json).send();
    }

    /** POST /admin/backups, checked to answer 201; the manifest. */
    JsonNode backup() {
        HttpResponse response = admin("POST", "/admin/backups");
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    Path fileOf(String id) {
        return folder.resolve(id + ".backup.gz");
    }

    /** Inserts {@code count} users with raw SQL, numbered from {@code first}; each has phone, country and n. */
    void addUsers(int first, int count) {
        TestSql.execute(db, """
                INSERT INTO users (name, email, data)
                SELECT 'User ' || g, 'user' || g || '@example.com',
                       jsonb_build_object('phone', '+1415555' || lpad((g % 10000)::text, 4, '0'), 'country', 'US', 'n', g)
                  FROM generate_series(?::int, ?::int) g""", first, first + count - 1);
    }

    /** Creates users 1 to {@code count} through the API, each with phone, country and n. */
    void createUsersThroughApi(int count) {
        for (int i = 1; i <= count; i++) {
            long id = TestUsers.create(server, """
                    {"name": "User %d", "email": "%s", "data": {"phone": "+1415555%04d", "country": "US", "n": %d}}
                    """.formatted(i, TestUsers.uniqueEmail(), i, i));
            assertThat(id).isEqualTo(i);
        }
    }

    /** The incident's damage, four kinds no API request made: a dropped key, a new name, a hard delete, a soft delete. */
    void damageUsersSixToNine() {
        inTransaction("SET LOCAL custodian.allow_removal = 'on'", "UPDATE users SET data = data - 'phone' WHERE id = 6");
        inTransaction("UPDATE users SET name = 'Mallory' WHERE id = 7");
        inTransaction("SET LOCAL custodian.allow_rows = '1'", "DELETE FROM users WHERE id = 8");
        inTransaction("UPDATE users SET deleted_at = now(), email = 'gone@example.com' WHERE id = 9");
    }

    /** Each user's state (name, email, data, deleted), without its version; null for a user with no row. */
    Map<Long, JsonNode> states(List<Long> ids) {
        var states = new LinkedHashMap<Long, JsonNode>();
        for (long id : ids) {
            JsonNode user = TestSql.user(db, id);
            states.put(id, user == null ? null : ((ObjectNode) user).without("version"));
        }
        return states;
    }

    /** The ids of one set of a restore report ({@code /returned/damaged}...), checked against its count. */
    static List<Long> ids(JsonNode report, String pointer) {
        var ids = new ArrayList<Long>();
        report.at(pointer + "/ids").forEach(id -> ids.add(id.asLong()));
        assertThat(report.at(pointer + "/count").asLong()).as(pointer).isEqualTo(ids.size());
        return ids;
    }

    /** Runs statements in one transaction, as a foreign SQL client would (e.g. with SET LOCAL confirmations). */
    void inTransaction(String... statements) {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements) {
                    statement.execute(sql);
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every user's state (id, name, email, data, deleted or not) as one checksum, with the count. */
    String usersState() {
        return TestSql.value(db, """
                SELECT count(*) || ':' || coalesce(md5(string_agg(row(id, name, email, data, deleted_at IS NOT NULL)::text,
                                                                  '|' ORDER BY id)), '')
                  FROM users""").toString();
    }

    /** Every user's full row, versions and timestamps included. */
    String usersRows() {
        return TestSql.value(db, "SELECT count(*) || ':' || coalesce(md5(string_agg(u::text, '|' ORDER BY id)), '') FROM users u")
                .toString();
    }

    long count(String sql, Object... parameters) {
        return TestSql.count(db, sql, parameters);
    }

    @Override
    public void close() {
        server.close();
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("custodian-backups");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
