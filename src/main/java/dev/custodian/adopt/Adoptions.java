package dev.custodian.adopt;

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
 * transaction on the connection it is given: a refusal, or any failure, leaves the database as
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
            if (!AdoptionObjects.isCustodianDatabase(connection)) {
                AdoptionObjects.install(connection);
            }
            searchCustodianLast(connection);
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
                        List.of((String[]) row.getArray("document_columns").getArray()), rows,
                        AdoptionObjects.ddlGuardOn(connection));
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
            if (!AdoptionObjects.installed(connection)) {
                throw new IllegalArgumentException("table " + table + " is not adopted: nothing is adopted in this database");
            }
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
            if (!AdoptionObjects.installed(connection)) {
                return all;
            }
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
     * Whether the database is a Custodian service database, migrated by Flyway (then its
     * migrations bring what adopting needs), rather than another application's.
     */
    public static boolean isCustodianDatabase(Connection connection) throws SQLException {
        return AdoptionObjects.isCustodianDatabase(connection);
    }

    /** The application's own search path first, so its tables are found as it finds them; then adoption's schema. */
    private static void searchCustodianLast(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT set_config('search_path', current_setting('search_path') || ', custodian', true)");
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
                try (PreparedStatement declare = connection.prepareStatement(
                        "SELECT set_config('statement_timeout', '0', true), set_config('custodian.actor', ?, true),"
                                // Adopting and removing change guarded objects on purpose (the DDL guard).
                                + " set_config('custodian.allow_ddl', 'on', true)")) {
                    declare.setString(1, actor);
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
