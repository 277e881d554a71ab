package dev.custodian.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;

/** Plain JDBC for tests: checks the database state behind the API, and writes as a foreign client would. */
public final class TestSql {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TestSql() {
    }

    /** The rows of a query, each column by name. */
    public static List<Map<String, Object>> rows(DataSource dataSource, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rows = statement.executeQuery()) {
            var result = new ArrayList<Map<String, Object>>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                var row = new LinkedHashMap<String, Object>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rows.getMetaData().getColumnLabel(i), rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Object value(DataSource dataSource, String sql, Object... parameters) {
        var rows = rows(dataSource, sql, parameters);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    public static long count(DataSource dataSource, String sql, Object... parameters) {
        return ((Number) value(dataSource, sql, parameters)).longValue();
    }

    /** Runs one statement in autocommit; returns the update count. */
    public static int execute(DataSource dataSource, String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the statements in one transaction that is then rolled back; a failure is thrown as it is. */
    public static void rolledBack(DataSource dataSource, String... statements) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                executeAll(connection, statements);
            } finally {
                connection.rollback();
            }
        }
    }

    /** The error that the statements, run in one transaction that is rolled back, end with. */
    public static PSQLException refusal(DataSource dataSource, String... statements) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                return refusalOn(connection, statements);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The error that the statements end with on this connection; fails the test when none fails. */
    public static PSQLException refusalOn(Connection connection, String... statements) throws SQLException {
        try {
            executeAll(connection, statements);
        } catch (PSQLException e) {
            return e;
        }
        throw new AssertionError("not refused: " + String.join("; ", statements));
    }

    private static void executeAll(Connection connection, String... statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** The user row as stored: name, email, data (parsed), version, deleted flag. */
    public static JsonNode user(DataSource dataSource, long id) {
        Object text = value(dataSource, """
                SELECT json_build_object('name', name, 'email', email, 'data', data, 'version', version,
                                         'deleted', deleted_at IS NOT NULL)::text
                  FROM users WHERE id = ?""", id);
        return text == null ? null : parse(text.toString());
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
