package dev.custodian.adopt;

import dev.custodian.db.CustodianSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.postgresql.util.PSQLException;

/**
 * Adopts a table, takes the protection off again, and lists what is adopted, each in one
 * transaction on the connection it is given, in a database Custodian's migrations brought up
 * to date: a refusal, or any failure, leaves the database as
 * it was. The checks and the installation are SQL (R__tables_adopted.sql); this class runs them
 * and turns their refusals into exceptions a command reports. Stateless; thread-safe.
 */
public final class Adoptions {
    /**
     * The SQLSTATEs with which custodian_adopt and custodian_unadopt refuse what was asked (no such
     * table or column, a key that cannot be one, adopted already or not at all), from
     * https://www.postgresql.org/docs/current/errcodes-appendix.html: the operator's to fix.
     */
    private static final Set<String> REFUSED = Set.of("42P01", "42703", "22023", "42710", "42704");

    private static final String DDL_GUARD_ON = """
            SELECT count(*) = 3 FROM pg_catalog.pg_event_trigger
             WHERE evtname IN ('custodian_ddl_guard_start', 'custodian_ddl_guard_drop', 'custodian_ddl_guard_end')
               AND evtenabled <> 'D'
            """;

    /**
     * The database's own search path (an application's tables are found as the application
     * finds them, whatever path the connection was opened with), then Custodian's schema, where
     * custodian_adopt finds the guard functions it installs. Adopting and removing change
     * guarded objects on purpose, so the transaction confirms it to the DDL guard.
     */
    private static final String DECLARE = """
            SELECT set_config('search_path', ?, true), set_config('statement_timeout', '0', true),
                   set_config('custodian.actor', ?, true), set_config('custodian.allow_ddl', 'on', true)
            """;

    /** The table this transaction adopted: its registry row is the one stamped with the transaction's time. */
    private static final String ADOPTED = """
            SELECT table_name, document_columns FROM custodian.adopted_tables WHERE since = now()
            """;

    private static final String STATUS = """
            SELECT a.table_schema, a.table_name, a.key_column, a.key_type, a.document_columns,
                   to_char(a.since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS since, a.adopted_by,
                   (SELECT count(*) FROM custodian.changes AS c WHERE c.table_name = a.table_name) AS history_rows,
                   (SELECT coalesce(sum(pg_column_size(c.*)), 0) FROM custodian.changes AS c
                     WHERE c.table_name = a.table_name) AS history_bytes
              FROM custodian.adopted_tables AS a
             ORDER BY a.table_name
            """;

    /**
     * What an adoption did: the table, as PostgreSQL names it, its documents, how many rows were
     * recorded, and whether the DDL guard stands (it then guards the table too).
     */
    public record Adopted(String table, List<String> documentColumns, long rows, boolean ddlGuard) {
        public Adopted {
            documentColumns = List.copyOf(documentColumns);
        }
    }

    private Adoptions() {
    }

    /**
     * Adopts {@code table} (its name as written, or schema.name) keyed by {@code keyColumn}.
     *
     * @param actor who adopts, recorded in the registry and as the claimed actor of the first snapshots
     * @throws IllegalArgumentException when the table cannot be adopted: the message says why
     */
    public static Adopted adopt(Connection connection, String table, String keyColumn, String actor) {
        return inTransaction(connection, actor, () -> {
            long rows;
            try (PreparedStatement adopt = connection.prepareStatement("SELECT custodian.custodian_adopt(?, ?, ?)")) {
                adopt.setString(1, table);
                adopt.setString(2, keyColumn);
                adopt.setString(3, actor + " as " + currentRole(connection));
                try (ResultSet row = adopt.executeQuery()) {
                    row.next();
                    rows = row.getLong(1);
                }
            }
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(ADOPTED)) {
                row.next();
                return new Adopted(row.getString("table_name"),
                        List.of((String[]) row.getArray("document_columns").getArray()), rows, ddlGuardOn(connection));
            }
        });
    }

    /**
     * Takes the triggers off an adopted table and forgets it; its history stays.
     *
     * @throws IllegalArgumentException when the table is not adopted
     */
    public static void remove(Connection connection, String table, String actor) {
        inTransaction(connection, actor, () -> {
            try (PreparedStatement remove = connection.prepareStatement("SELECT custodian.custodian_unadopt(?)")) {
                remove.setString(1, table);
                remove.execute();
            }
            return null;
        });
    }

    /** The adopted tables, by name; none when nothing was ever adopted in this database. */
    public static List<AdoptedTable> status(Connection connection) {
        return inTransaction(connection, "", () -> {
            List<AdoptedTable> all = new ArrayList<>();
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(STATUS)) {
                while (row.next()) {
                    all.add(new AdoptedTable(row.getString("table_schema"), row.getString("table_name"),
                            row.getString("key_column"), row.getString("key_type"),
                            List.of((String[]) row.getArray("document_columns").getArray()), row.getString("since"),
                            row.getString("adopted_by"), row.getLong("history_rows"), row.getLong("history_bytes")));
                }
            }
            return all;
        });
    }

    /**
     * Whether the DDL guard stands in this database: installed (only a superuser may) and its
     * event triggers enabled. It then refuses ALTER and DROP of the adopted tables too.
     */
    private static boolean ddlGuardOn(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(DDL_GUARD_ON)) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static String currentRole(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT session_user")) {
            row.next();
            return row.getString(1);
        }
    }

    private interface Work<T> {
        T run() throws SQLException;
    }

    /**
     * One transaction, without the statement timeout of a pooled connection (recording every row
     * of a large table takes its time), declaring the actor as every Custodian command does.
     */
    private static <T> T inTransaction(Connection connection, String actor, Work<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                String defaultPath;
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT reset_val FROM pg_catalog.pg_settings"
                             + " WHERE name = 'search_path'")) {
                    row.next();
                    defaultPath = row.getString(1);
                }
                // The service's own pool searches Custodian's schema alone: PostgreSQL's default then.
                String applicationPath = defaultPath.equals(CustodianSchema.NAME) ? "\"$user\", public" : defaultPath;
                try (PreparedStatement declare = connection.prepareStatement(DECLARE)) {
                    declare.setString(1, applicationPath + ", " + CustodianSchema.NAME);
                    declare.setString(2, actor);
                    declare.execute();
                }
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            String message = e instanceof PSQLException psql && psql.getServerErrorMessage() != null
                    ? psql.getServerErrorMessage().getMessage() : e.getMessage();
            if (REFUSED.contains(e.getSQLState())) {
                throw new IllegalArgumentException(message, e);
            }
            throw new AdoptionException(message, e);
        }
    }
}
