package dev.custodian.db;

/**
 * Names and text written into SQL where a statement cannot take them as parameters (a table, a
 * column, a role; a constant of a statement built once). The names come from the catalog or are
 * checked against it; quoting keeps mixed case, spaces and quotes exactly as written.
 * Thread-safe (stateless).
 */
public final class SqlNames {
    private SqlNames() {
    }

    /** {@code name} as a quoted SQL identifier: {@code Users} stays {@code "Users"}, never {@code users}. */
    public static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code text} as an SQL string literal (standard_conforming_strings, PostgreSQL's default since 9.1). */
    public static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
