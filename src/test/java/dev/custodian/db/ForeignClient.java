package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Plain JDBC as a client other than the service uses it (an ORM, a script): statements in
 * autocommit or in an explicit transaction, and the server's error fields when a guard refuses.
 * Knows nothing of the service's own transaction helper on purpose.
 */
final class ForeignClient {
    private ForeignClient() {
    }

    /** Work inside one explicit transaction; the transaction is committed if it returns. */
    @FunctionalInterface
    interface TransactionWork {
        void run(Connection connection) throws SQLException;
    }

    /** One statement in autocommit, as an ORM's save() sends it; returns the update count. */
    static int autocommit(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return run(connection, sql, parameters);
        }
    }

    static void transaction(DataSource dataSource, TransactionWork work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                work.run(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Runs one statement of any kind (SET, SELECT set_config, a write); returns the update count, -1 for a query. */
    static int run(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
            return statement.getUpdateCount();
        }
    }

    /** The error a statement in autocommit fails with; fails the test when it succeeds. */
    static ServerErrorMessage refusal(DataSource dataSource, String sql, Object... parameters) {
        return refusal(() -> autocommit(dataSource, sql, parameters));
    }

    /** The error the work fails with; fails the test when it succeeds or fails without a server error. */
    static ServerErrorMessage refusal(ThrowingWork work) {
        try {
            work.run();
        } catch (PSQLException e) {
            assertThat(e.getServerErrorMessage()).as("server error of %s", e).isNotNull();
            return e.getServerErrorMessage();
        } catch (SQLException e) {
            fail("expected a refusal from the server, got " + e, e);
        }
        return fail("expected the statement to be refused, but it succeeded");
    }

    @FunctionalInterface
    interface ThrowingWork {
        void run() throws SQLException;
    }

    static JsonNode detailJson(ServerErrorMessage error) {
        return TestSql.parse(error.getDetail());
    }

    /** Inserts a user the way any client would, returning its id. */
    static long insertUser(DataSource dataSource, String name, String dataJson) {
        return ((Number) TestSql.value(dataSource,
                "INSERT INTO users (name, email, data) VALUES (?, ?, ?::jsonb) RETURNING id",
                name, name.toLowerCase().replace(' ', '.') + "." + System.nanoTime() + "@example.com", dataJson))
                .longValue();
    }
}
