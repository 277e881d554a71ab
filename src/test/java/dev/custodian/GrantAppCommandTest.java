package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.DatabaseRole;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code custodian db grant-app ROLE}: another application's role may read and write users, with
 * every write recorded in history as its own, and may not empty, alter or drop the table, turn a
 * guard off, or touch history itself.
 */
class GrantAppCommandTest {
    private static final String GRANTS = """
            SELECT table_name, privilege_type FROM information_schema.role_table_grants
             WHERE grantee = ? ORDER BY table_name, privilege_type""";

    private final DataSource db = TestDatabase.shared();

    @TempDir
    Path dataDir;

    @Test
    void anAppRoleReadsAndWritesUsersWithHistoryRecordedAsItsOwn() throws Exception {
        try (DatabaseRole app = DatabaseRole.create(db, "app")) {
            CommandRun granted = CommandRun.run(db, dataDir, "db", "grant-app", app.name());

            assertThat(granted.exit()).as(granted.err()).isZero();
            assertThat(granted.messages()).containsExactly("custodian: note: the tables are in schema custodian: role "
                    + app.name() + " names them custodian.users, or puts custodian in its connection's search path");
            assertThat(granted.out().lines()).hasSize(4).allMatch(line -> line.startsWith("GRANT ") && line.endsWith(
                    " TO " + app.name() + ";"));
            long id;
            try (Connection connection = app.login().getConnection(); Statement statement = connection.createStatement()) {
                id = single(statement, "INSERT INTO users (name, email, data) VALUES ('App', '" + TestUsers.uniqueEmail()
                        + "', '{\"plan\": \"basic\"}') RETURNING id");
                assertThat(single(statement, "SELECT version FROM users WHERE id = " + id)).isEqualTo(1);
                assertThat(statement.executeUpdate("UPDATE users SET data = data || '{\"plan\": \"pro\"}' WHERE id = " + id))
                        .isEqualTo(1);
                assertThat(statement.executeUpdate("DELETE FROM users WHERE id = " + id)).isEqualTo(1);
            }

            assertThat(TestSql.rows(db, """
                    SELECT version, op, actor, source FROM user_changes WHERE user_id = ? ORDER BY version""", id))
                    .containsExactly(
                            Map.of("version", 1L, "op", "create", "actor", "sql:" + app.name(), "source", "sql"),
                            Map.of("version", 2L, "op", "update", "actor", "sql:" + app.name(), "source", "sql"),
                            Map.of("version", 3L, "op", "delete", "actor", "sql:" + app.name(), "source", "sql"));
            assertThat(TestSql.rows(db, GRANTS, app.name())).extracting(row -> row.get("table_name") + " "
                    + row.get("privilege_type")).containsExactly("users DELETE", "users INSERT", "users SELECT", "users UPDATE");
        }
    }

    @Test
    void anAppRoleMayNotEmptyAlterOrDropTheTableDisableAGuardOrWriteHistory() throws Exception {
        long id = (Long) TestSql.value(db, "INSERT INTO users (name, email, data) VALUES ('Guarded', ?, '{\"plan\": 1}')"
                + " RETURNING id", TestUsers.uniqueEmail());
        try (DatabaseRole app = DatabaseRole.create(db, "app")) {
            assertThat(CommandRun.run(db, dataDir, "db", "grant-app", app.name()).exit()).isZero();
            String usersBefore = TestSql.value(db, "SELECT count(*) || ':' || max(id) FROM users").toString();
            String historyBefore = TestSql.value(db,
                    "SELECT json_agg(c ORDER BY version)::text FROM user_changes c WHERE user_id = ?", id).toString();

            for (String forbidden : List.of(
                    "TRUNCATE users",
                    "DROP TABLE users",
                    "ALTER TABLE users ALTER name DROP NOT NULL",
                    "ALTER TABLE users DISABLE TRIGGER users_40_write",
                    "ALTER TABLE users DISABLE TRIGGER ALL",
                    "CREATE TRIGGER app_rewrites BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION custodian_write_row()",
                    "DROP FUNCTION custodian_history_record()",
                    "INSERT INTO user_changes (user_id, version, at, actor, source, op, changes, undo) VALUES (" + id
                            + ", 1000, now(), 'token:billing', 'api', 'update', '[]', '[]')",
                    "UPDATE user_changes SET actor = 'token:billing', source = 'api' WHERE user_id = " + id,
                    "DELETE FROM user_changes WHERE user_id = " + id,
                    "SELECT custodian_history_append(" + id + ", 1000, now(), 'update', '[]', '[]', NULL)",
                    "SET ROLE custodian_service")) {
                assertThat(TestSql.refusal(app.login(), forbidden).getSQLState()).as(forbidden).isEqualTo("42501");
            }

            assertThat(TestSql.value(db, "SELECT count(*) || ':' || max(id) FROM users")).isEqualTo(usersBefore);
            assertThat(TestSql.value(db, "SELECT json_agg(c ORDER BY version)::text FROM user_changes c WHERE user_id = ?",
                    id)).isEqualTo(historyBefore);
        }
    }

    @Test
    void grantingTwiceGrantsTheSameAndAnUnknownRoleIsOneLine() throws Exception {
        try (DatabaseRole app = DatabaseRole.create(db, "app")) {
            CommandRun first = CommandRun.run(db, dataDir, "db", "grant-app", app.name());
            var grantsAfterFirst = TestSql.rows(db, GRANTS, app.name());
            CommandRun second = CommandRun.run(db, dataDir, "db", "grant-app", app.name());

            assertThat(second.exit()).as(second.err()).isZero();
            assertThat(second.out()).isEqualTo(first.out());
            assertThat(TestSql.rows(db, GRANTS, app.name())).isEqualTo(grantsAfterFirst);
        }

        CommandRun unknown = CommandRun.run(db, dataDir, "db", "grant-app", "no_such_role_anywhere");

        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).isEmpty();
        assertThat(unknown.messages()).containsExactly("custodian: role 'no_such_role_anywhere' does not exist; create it"
                + " first, for example CREATE ROLE \"no_such_role_anywhere\" LOGIN PASSWORD '...'");
        assertThat(unknown.err()).as("no stack trace").doesNotContainPattern("(?m)^\\s+at ");
    }

    @Test
    void aRoleThatCanAlreadyDoMoreIsGrantedAndToldWhatItKeeps() {
        String superuser = TestDatabase.urlOf(db).user().orElse("postgres");

        CommandRun granted = CommandRun.run(db, dataDir, "db", "grant-app", superuser);

        assertThat(granted.exit()).as(granted.err()).isZero();
        assertThat(granted.messages()).contains("custodian: warning: role " + superuser + " keeps more than an application"
                + " needs: it is a superuser: it passes every check, may declare any actor and may turn off every guard");
    }

    private static long single(Statement statement, String sql) throws Exception {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
