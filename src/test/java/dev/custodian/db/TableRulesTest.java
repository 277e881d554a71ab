package dev.custodian.db;

import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.ServerErrorMessage;

/**
 * The rules of users and of the history tables (user_changes, and custodian.changes of the
 * adopted tables), seen from psql: whoever writes a row that breaks one is refused with SQLSTATE
 * 23514, and nothing is written. A users row is refused naming the table's constraint and the
 * rule; a history entry naming the domain of the column and its constraint. Each test works on
 * its own user or row.
 */
class TableRulesTest {
    private static final String CHECK_VIOLATION = "23514";
    private static final String HISTORY_INSERT = """
            INSERT INTO user_changes (user_id, version, at, actor, source, op, changes, undo)
            VALUES (?, 1000, now(), 'sql:owner', ?, ?, ?::jsonb, ?::jsonb)""";

    private static final String ADOPTED_HISTORY_INSERT = """
            INSERT INTO custodian.changes (table_name, row_key, version, at, actor, source, op, changes, undo)
            VALUES ('rules', ?, 1, now(), 'sql:owner', ?, ?, ?::jsonb, ?::jsonb)""";

    private final DataSource db = TestDatabase.shared();

    @Test
    void userRowsBreakingARuleAreRefusedAndChangeNothing() {
        long id = insertUser(db, "Rules", "{\"phone\": \"+14155550000\"}");
        JsonNode before = TestSql.user(db, id);

        assertRefused(refusal(db, "UPDATE users SET name = '' WHERE id = ?", id), "users", "users_rules",
                "name must have 1 to 200 characters, not 0.");
        assertRefused(refusal(db, "UPDATE users SET email = 'ab' WHERE id = ?", id), "users", "users_rules",
                "email must have 3 to 254 characters, not 2.");
        assertRefused(refusal(db, "UPDATE users SET name = repeat('n', 201) WHERE id = ?", id), "users", "users_rules",
                "name must have 1 to 200 characters, not 201.");

        assertThat(TestSql.user(db, id)).isEqualTo(before);
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE user_id = ?", id)).isEqualTo(1);
    }

    @Test
    void userInsertWithDataThatIsNoObjectIsRefused() {
        String email = "rules." + System.nanoTime() + "@example.com";

        assertRefused(refusal(db, "INSERT INTO users (name, email, data) VALUES ('Rules', ?, '[1]')", email),
                "users", "users_rules", "data must be a JSON object, not array.");

        assertThat(TestSql.count(db, "SELECT count(*) FROM users WHERE email = ?", email)).isZero();
    }

    @Test
    void historyEntriesBreakingARuleAreRefusedAndNotWritten() {
        long id = insertUser(db, "Rules", "{}");

        assertEntryRulesHold(HISTORY_INSERT, id, "custodian_entry_op");

        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE user_id = ?", id)).isEqualTo(1);
    }

    @Test
    void adoptedTablesHistoryEntriesBreakingARuleAreRefused() throws SQLException {
        String row = "rules-" + System.nanoTime();

        assertEntryRulesHold(ADOPTED_HISTORY_INSERT, row, "custodian_adopted_entry_op");

        // Rolled back: the adoption's own op is one of the adopted history's.
        TestSql.rolledBack(db, "INSERT INTO custodian.changes (table_name, row_key, version, at, actor, source, op, changes, undo)"
                + " VALUES ('rules', '" + row + "', 1, now(), 'sql:owner', 'sql', 'adopt', '[]', '[]')");

        assertThat(TestSql.count(db, "SELECT count(*) FROM custodian.changes WHERE row_key = ?", row)).isZero();
    }

    @Test
    void historyEntryKeepingTheRulesIsAccepted() throws SQLException {
        long id = insertUser(db, "Rules", "{}");

        // Rolled back: an entry out of the user's sequence stays out of the shared database.
        TestSql.rolledBack(db, "INSERT INTO user_changes (user_id, version, at, actor, source, op, changes, undo) VALUES ("
                + id + ", 1000, now(), 'sql:owner', 'sql', 'erase', '[]', '[{\"op\": \"remove\", \"path\": \"/data/x\"}]')");

        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE user_id = ?", id)).isEqualTo(1);
    }

    /** Each rule of a history entry broken in turn, in an entry {@code insert} writes under {@code key}. */
    private void assertEntryRulesHold(String insert, Object key, String opDomain) {
        assertRefusedByDomain(refusal(db, insert, key, "web", "update", "[]", "[]"),
                "custodian_entry_source", "source_is_api_or_sql");
        assertRefusedByDomain(refusal(db, insert, key, "sql", "tidy", "[]", "[]"), opDomain, "op_is_known");
        assertRefusedByDomain(refusal(db, insert, key, "sql", "update", "{}", "[]"),
                "custodian_entry_operations", "is_an_array_of_operations");
        assertRefusedByDomain(refusal(db, insert, key, "sql", "update", "[]", "null"),
                "custodian_entry_operations", "is_an_array_of_operations");
    }

    /** The rules of a history entry are the domains of its columns (V17__history_entry_domains.sql). */
    private static void assertRefusedByDomain(ServerErrorMessage error, String domain, String constraint) {
        assertThat(error.getSQLState()).isEqualTo(CHECK_VIOLATION);
        assertThat(error.getMessage())
                .isEqualTo("value for domain " + domain + " violates check constraint \"" + constraint + "\"");
        assertThat(error.getDatatype()).isEqualTo(domain);
        assertThat(error.getConstraint()).isEqualTo(constraint);
    }

    private static void assertRefused(ServerErrorMessage error, String table, String constraint, String detail) {
        assertThat(error.getSQLState()).isEqualTo(CHECK_VIOLATION);
        assertThat(error.getMessage())
                .isEqualTo("new row for relation \"" + table + "\" violates check constraint \"" + constraint + "\"");
        assertThat(error.getTable()).isEqualTo(table);
        assertThat(error.getConstraint()).isEqualTo(constraint);
        assertThat(error.getDetail()).isEqualTo(detail);
    }
}
