package dev.custodian.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * The one way the service talks to the database. {@link #write} runs work in a transaction
 * that first declares its {@link WriteContext} to the triggers; {@link #snapshot} runs
 * read-only work in one consistent snapshot; {@link #autocommit} runs on an autocommit
 * connection. All translate SQL failures through {@link DatabaseErrors}, and all
 * retry a serialization failure or deadlock a bounded number of times. A failure that may come
 * from a damaged schema (a missing table, say) is answered 503 {@code schema-damaged} when a
 * fresh {@link SchemaCheck} confirms the damage. Thread-safe.
 */
public final class Transactions {
    private static final int ATTEMPTS = 3;
    private static final String DECLARE = """
            SELECT set_config('custodian.actor', ?, true),
                   set_config('custodian.request_id', ?, true),
                   set_config('custodian.op', ?, true),
                   set_config('custodian.allow_removal', ?, true),
                   set_config('custodian.removing', ?, true),
                   set_config('custodian.allow_rows', ?, true)
            """;

    private final DataSource dataSource;
    private final SchemaCheck schema;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
        this.schema = new SchemaCheck(dataSource, Clock.systemUTC());
    }

    /** The check of the schema this database must have, shared by everything built on these transactions. */
    public SchemaCheck schema() {
        return schema;
    }

    /** Unit of work on a connection; may throw SQLException, which is translated. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public <T> T write(WriteContext context, Work<T> work) {
        return inTransaction(context, work, true);
    }

    /** Runs work in a transaction that is always rolled back: for dry runs and checks. */
    public <T> T rehearse(WriteContext context, Work<T> work) {
        return inTransaction(context, work, false);
    }

    private <T> T inTransaction(WriteContext context, Work<T> work, boolean commit) {
        return withRetries(() -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try {
                    declare(connection, context);
                    T result = work.run(connection);
                    if (commit) {
                        connection.commit();
                    } else {
                        connection.rollback();
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            }
        });
    }

    /**
     * Runs read-only work in one REPEATABLE READ snapshot: every statement sees the same
     * committed state, and concurrent writers are not blocked.
     */
    public <T> T snapshot(Work<T> work) {
        return withRetries(() -> {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                connection.setReadOnly(true);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                }
            }
        });
    }

    public <T> T autocommit(Work<T> work) {
        return withRetries(() -> {
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            }
        });
    }

    /** Declares the context with SET LOCAL semantics: it ends with the transaction. */
    public static void declare(Connection connection, WriteContext context) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DECLARE)) {
            statement.setString(1, context.actor());
            statement.setString(2, context.requestId());
            statement.setString(3, context.op() == null ? "" : context.op());
            statement.setString(4, context.allowRemoval() ? "on" : "off");
            statement.setString(5, context.removingJson());
            statement.setString(6, Long.toString(context.allowRows()));
            statement.execute();
        }
    }

    /**
     * A failure that may come from a damaged schema is judged by a fresh look: damage is 503
     * schema-damaged; a database too slow to tell is 503 unavailable; a sound schema leaves a
     * failure of the service itself.
     */
    private RuntimeException translate(SQLException e) {
        if (DatabaseErrors.suggestsSchemaDamage(e)) {
            SchemaReport report = schema.current();
            if (report.damaged()) {
                return report.damageError();
            }
            if (!report.reachable()) {
                return report.unreachableError();
            }
        }
        return DatabaseErrors.translate(e);
    }

    private interface Attempt<T> {
        T run() throws SQLException;
    }

    private <T> T withRetries(Attempt<T> attempt) {
        for (int tries = 1; ; tries++) {
            try {
                return attempt.run();
            } catch (SQLException e) {
                if (tries < ATTEMPTS && DatabaseErrors.isRetryable(e)) {
                    continue;
                }
                throw translate(e);
            }
        }
    }
}
