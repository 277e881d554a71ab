package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.detailJson;
import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static dev.custodian.db.ForeignClient.run;
import static dev.custodian.db.ForeignClient.transaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.ServerErrorMessage;

/**
 * The bulk guard, seen from a client that is not the service. Each test has a database of its
 * own holding three users, because the statements under test touch the whole table.
 */
class BulkGuardTest {
    private static final String UPPER_ALL = "UPDATE users SET name = upper(name)";

    private final DataSource db = TestDatabase.fresh();
    private final long ann = insertUser(db, "Ann", "{\"phone\": \"+14155550001\"}");
    private final long bob = insertUser(db, "Bob", "{\"phone\": \"+14155550002\"}");
    private final long cat = insertUser(db, "Cat", "{\"phone\": \"+14155550003\"}");

    @Test
    void updateWithoutWhereIsRefusedAndChangesNothing() {
        ServerErrorMessage error = refusal(db, UPPER_ALL);

        assertThat(error.getSQLState()).isEqualTo(DatabaseErrors.BULK).isEqualTo("CU002");
        assertThat(error.getMessage()).isEqualTo("this UPDATE would change 3 rows of users,"
                + " and a statement touching more than one row needs confirmation");
        assertThat(error.getHint()).isEqualTo(
                "If that is intended, run SET LOCAL custodian.allow_rows = '3' in the same transaction first.");
        assertThat(detailJson(error)).isEqualTo(TestSql.parse(
                "{\"table\": \"users\", \"operation\": \"UPDATE\", \"rows\": 3, \"allowed\": 0}"));
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");
    }

    @Test
    void updateIsAppliedWhenTheTransactionConfirmsTheRowCount() throws SQLException {
        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            assertThat(run(connection, UPPER_ALL)).isEqualTo(3);
        });

        assertThat(names()).containsExactly("ANN", "BOB", "CAT");
    }

    @Test
    void theGuardKeepsCustodiansRuleWhateverTheSessionsSearchPath() throws SQLException {
        // A function of the guard's name, first in the session's path, that would confirm any
        // number of rows: the guard must not find it instead of Custodian's own.
        autocommit(db, "CREATE FUNCTION public.custodian_allowed_rows() RETURNS bigint LANGUAGE sql AS 'SELECT 1000::bigint'");

        ServerErrorMessage error = refusal(() -> transaction(db, connection -> {
            run(connection, "SET LOCAL search_path = public, custodian");
            run(connection, UPPER_ALL);
        }));

        assertThat(error.getSQLState()).isEqualTo("CU002");
        assertThat(error.getMessage()).isEqualTo("this UPDATE would change 3 rows of users,"
                + " and a statement touching more than one row needs confirmation");
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");

        transaction(db, connection -> {
            run(connection, "SET LOCAL search_path = public");
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            assertThat(run(connection, "UPDATE custodian.users SET name = upper(name)")).isEqualTo(3);
        });
        assertThat(names()).containsExactly("ANN", "BOB", "CAT");
    }

    @Test
    void confirmingFewerRowsThanTouchedIsRefused() {
        ServerErrorMessage error = refusal(() -> transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '2'");
            run(connection, UPPER_ALL);
        }));

        assertThat(error.getSQLState()).isEqualTo("CU002");
        assertThat(error.getMessage()).isEqualTo("this UPDATE would change 3 rows of users, more than the 2 confirmed");
        assertThat(detailJson(error).get("allowed").asLong()).isEqualTo(2);
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");
    }

    @Test
    void emptyOrNonNumericConfirmationConfirmsNothing() {
        for (String value : List.of("", "0", "all", "-5", "3 rows")) {
            ServerErrorMessage error = refusal(() -> transaction(db, connection -> {
                run(connection, "SELECT set_config('custodian.allow_rows', ?, true)", value);
                run(connection, UPPER_ALL);
            }));
            assertThat(error.getSQLState()).as("allow_rows = '%s'", value).isEqualTo("CU002");
        }
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");
    }

    @Test
    void confirmationIsACeilingForEachStatementOfTheTransaction() throws SQLException {
        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            run(connection, UPPER_ALL);
            run(connection, "UPDATE users SET name = lower(name)");
        });

        assertThat(names()).containsExactly("ann", "bob", "cat");
    }

    @Test
    void deleteWithoutWhereIsRefused() {
        ServerErrorMessage error = refusal(db, "DELETE FROM users");

        assertThat(error.getSQLState()).isEqualTo("CU002");
        assertThat(error.getMessage()).startsWith("this DELETE would remove 3 rows of users");
        assertThat(TestSql.count(db, "SELECT count(*) FROM users")).isEqualTo(3);
    }

    @Test
    void truncateIsRefused() {
        ServerErrorMessage error = refusal(db, "TRUNCATE users");

        assertThat(error.getSQLState()).isEqualTo("CU002");
        assertThat(error.getMessage()).isEqualTo(
                "this TRUNCATE would remove 3 rows of users, and a TRUNCATE always needs confirmation");
        assertThat(error.getHint()).contains("SET LOCAL custodian.allow_rows = '3'");
        assertThat(TestSql.count(db, "SELECT count(*) FROM users")).isEqualTo(3);
    }

    @Test
    void truncateIsAppliedWhenConfirmed() throws SQLException {
        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            run(connection, "TRUNCATE users");
        });

        assertThat(TestSql.count(db, "SELECT count(*) FROM users")).isZero();
    }

    @Test
    void truncateOfAnEmptyTableStillNeedsConfirmation() throws SQLException {
        transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            run(connection, "DELETE FROM users");
        });

        ServerErrorMessage error = refusal(db, "TRUNCATE users");

        assertThat(error.getSQLState()).isEqualTo("CU002");
        assertThat(error.getHint()).contains("SET LOCAL custodian.allow_rows = '1'");
    }

    @Test
    void singleRowChangesNeedNoConfirmation() throws SQLException {
        assertThat(autocommit(db, "UPDATE users SET name = 'Anna' WHERE id = ?", ann)).isEqualTo(1);
        assertThat(autocommit(db, "UPDATE users SET email = 'bob@example.org' WHERE id = ?", bob)).isEqualTo(1);
        assertThat(autocommit(db, "UPDATE users SET deleted_at = now() WHERE id = ?", bob)).isEqualTo(1);
        assertThat(autocommit(db, "DELETE FROM users WHERE id = ?", cat)).isEqualTo(1);

        assertThat(names()).containsExactly("Anna", "Bob");
        assertThat(TestSql.user(db, bob).get("deleted").asBoolean()).isTrue();
    }

    @Test
    void statementsThatMatchNoRowOrOneRowNeedNoConfirmation() throws SQLException {
        assertThat(autocommit(db, "UPDATE users SET name = 'Nobody' WHERE id = -1")).isZero();
        assertThat(autocommit(db, "DELETE FROM users WHERE name = 'Nobody'")).isZero();
        assertThat(autocommit(db, "UPDATE users SET name = 'Annie' WHERE name LIKE 'A%'")).isEqualTo(1);
    }

    @Test
    void insertsNeedNoConfirmationEvenManyRowsAtOnce() throws SQLException {
        int inserted = autocommit(db, """
                INSERT INTO users (name, email, data)
                VALUES ('Dan', 'dan@example.com', '{}'), ('Eve', 'eve@example.com', '{}'), ('Fay', 'fay@example.com', '{}')
                """);

        assertThat(inserted).isEqualTo(3);
        assertThat(names()).containsExactly("Ann", "Bob", "Cat", "Dan", "Eve", "Fay");
    }

    @Test
    void refusedStatementAbortsItsTransactionAndNothingOfItIsCommitted() throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            run(connection, "INSERT INTO users (name, email) VALUES ('Dan', 'dan@example.com')");
            run(connection, "UPDATE users SET name = 'Annie' WHERE id = ?", ann);

            ServerErrorMessage error = refusal(() -> run(connection, UPPER_ALL));
            ServerErrorMessage next = refusal(() -> run(connection, "UPDATE users SET name = 'Bobby' WHERE id = ?", bob));
            // The server answers COMMIT of a failed transaction with ROLLBACK, whatever the client asks.
            catchThrowable(connection::commit);

            assertThat(error.getSQLState()).isEqualTo("CU002");
            assertThat(next.getSQLState()).as("in_failed_sql_transaction").isEqualTo("25P02");
        }
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");
    }

    @Test
    void refusedKeyLossAbortsItsTransactionToo() throws SQLException {
        try (Connection connection = db.getConnection()) {
            connection.setAutoCommit(false);
            run(connection, "UPDATE users SET name = 'Annie' WHERE id = ?", ann);

            ServerErrorMessage error = refusal(() -> run(connection, "UPDATE users SET data = '{}' WHERE id = ?", bob));
            connection.rollback();

            assertThat(error.getSQLState()).isEqualTo("CU001");
        }
        assertThat(names()).containsExactly("Ann", "Bob", "Cat");
    }

    @Test
    void multiRowUpdateThatDropsKeysIsRefusedByTheKeyLossGuardFirst() {
        ServerErrorMessage error = refusal(() -> transaction(db, connection -> {
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            run(connection, "UPDATE users SET data = '{}'");
        }));

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(TestSql.count(db, "SELECT count(*) FROM users WHERE data->>'phone' IS NOT NULL")).isEqualTo(3);
    }

    private List<String> names() {
        return TestSql.rows(db, "SELECT name FROM users ORDER BY id").stream()
                .map(row -> (String) row.get("name")).toList();
    }
}
