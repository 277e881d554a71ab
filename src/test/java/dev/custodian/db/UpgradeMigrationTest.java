package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static dev.custodian.db.ForeignClient.run;
import static dev.custodian.db.ForeignClient.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database created by an earlier release (versioned migrations V1 to V4 only, functions
 * defined there) and written to, then migrated by the current migrations: every row and every
 * history entry is still there, unchanged, and the functions of the repeatable migrations now
 * guard and record its writes.
 */
class UpgradeMigrationTest {
    private static final List<String> FIRST_RELEASE = List.of(
            "V1__users.sql", "V2__guards.sql", "V3__history.sql", "V4__faster_hot_path_functions.sql");
    private static final String USERS = """
            SELECT json_agg(u ORDER BY u.id)::text FROM users u""";
    // Every column the first release had, as it had them; the columns added since (claimed_actor, V8;
    // compacted_at, V10) start empty and are checked apart.
    private static final String HISTORY = """
            SELECT jsonb_agg(to_jsonb(c) - 'claimed_actor' - 'compacted_at' ORDER BY c.user_id, c.version)::text
              FROM user_changes c""";

    @TempDir
    Path firstRelease;

    @Test
    void aDatabaseOfTheFirstReleaseKeepsEveryRowAndHistoryEntryAndIsGuardedAfterwards() throws Exception {
        DataSource db = emptyDatabase();
        migrateWithTheFirstRelease(db);
        long kept = writeAsTheFirstReleaseDid(db);
        String usersBefore = TestSql.value(db, USERS).toString();
        String historyBefore = TestSql.value(db, HISTORY).toString();

        Migrations.run(urlOf((PGSimpleDataSource) db));

        assertThat(TestSql.value(db, USERS)).isEqualTo(usersBefore);
        assertThat(TestSql.value(db, HISTORY)).isEqualTo(historyBefore);
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE claimed_actor IS NOT NULL"))
                .as("nothing was claimed before the column existed").isZero();
        assertThat(TestSql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NULL AND success"))
                .as("repeatable migrations applied").isGreaterThanOrEqualTo(4);
        assertThat(refusal(db, "UPDATE users SET data = '{}' WHERE id = ?", kept).getSQLState()).isEqualTo("CU001");
        autocommit(db, "UPDATE users SET data = data || '{\"country\": \"NO\"}' WHERE id = ?", kept);
        assertThat(TestSql.value(db, "SELECT changes::text FROM user_changes WHERE user_id = ? AND version = 4", kept))
                .isEqualTo("[{\"op\": \"add\", \"path\": \"/data/country\", \"value\": \"NO\"}]");
        assertThat(TestSql.user(db, kept).get("version").asLong()).isEqualTo(4);
    }

    /** Users created, changed, soft- and hard-deleted through the first release's triggers; returns a live one. */
    private static long writeAsTheFirstReleaseDid(DataSource db) throws SQLException {
        long kept = insertUser(db, "Kept", "{\"phone\": \"+4712345678\", \"address\": {\"city\": \"Oslo\"}, \"tags\": [1, 2]}");
        autocommit(db, "UPDATE users SET data = jsonb_set(data, '{address,city}', '\"Bergen\"') WHERE id = ?", kept);
        autocommit(db, "UPDATE users SET name = 'Kept Again' WHERE id = ?", kept);
        long softDeleted = insertUser(db, "Soft", "{\"a\": 1}");
        autocommit(db, "UPDATE users SET deleted_at = now() WHERE id = ?", softDeleted);
        long hardDeleted = insertUser(db, "Hard", "{\"b\": {\"c\": [true]}}");
        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_removal = 'on'");
            run(connection, "UPDATE users SET data = '{}' WHERE id = ?", hardDeleted);
        });
        autocommit(db, "DELETE FROM users WHERE id = ?", hardDeleted);
        for (int i = 0; i < 10; i++) {
            insertUser(db, "Many " + i, "{\"n\": " + i + "}");
        }
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes")).isEqualTo(3 + 2 + 3 + 10);
        return kept;
    }

    private void migrateWithTheFirstRelease(DataSource db) throws IOException {
        for (String name : FIRST_RELEASE) {
            try (InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + name)) {
                assertThat(in).as(name).isNotNull();
                Files.copy(in, firstRelease.resolve(name));
            }
        }
        Flyway.configure().dataSource(db).locations("filesystem:" + firstRelease).load().migrate();
        assertThat(TestSql.count(db, "SELECT count(*) FROM flyway_schema_history WHERE version IS NULL")).isZero();
    }

    private static DatabaseUrl urlOf(PGSimpleDataSource db) {
        return new DatabaseUrl(db.getURL().replaceFirst("[?&]currentSchema=[^&]*", ""), java.util.Optional.ofNullable(db.getUser()),
                java.util.Optional.ofNullable(db.getPassword()));
    }

    /** A new database on the test server with nothing in it, not even the migrations. */
    private static DataSource emptyDatabase() throws SQLException {
        DataSource server = TestDatabase.shared();
        String name = "custodian_upgrade_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = server.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        DatabaseUrl url = TestDatabase.urlOf(server);
        String jdbcUrl = url.jdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setURL(jdbcUrl);
        // The first release lived in public; the current one moves it into its own schema.
        db.setCurrentSchema(CustodianSchema.NAME + ",public");
        url.user().ifPresent(db::setUser);
        url.password().ifPresent(db::setPassword);
        return db;
    }
}
