package dev.custodian.tracked;

import dev.custodian.db.SqlFile;
import dev.custodian.db.SqlNames;
import java.util.stream.Collectors;

/**
 * The SQL of the write pipeline for one table, built once from its description. Writes take
 * their target states from a relation {@code (key, state)} (the first placeholder): one bound row
 * for a single write, a query for a set (a restore); a state's members become the columns, a JSON
 * null state means "no row". A single write appends {@link #returning} (the second placeholder).
 * A table without a version column returns version 0 from a write: the caller reads the version
 * history gave the row ({@link #lastVersion}) once the statement has run. Immutable.
 */
final class RowStatements {
    /** One target state, bound: the key as text and the state as JSON text. */
    static final String ONE_TARGET = "VALUES (?, ?::jsonb)";

    /** What a single write returns: key, version, representation and whether the row is deleted. */
    final String returning;
    /** The row as a write finds it: version, representation and state; {@link #lock} takes its lock. */
    final String read;
    final String lock;
    final String lastVersion;
    final String create;
    final String update;
    final String insertAgain;
    final String delete;
    /** The one-statement merge patch; null for a table whose writes all go through its state. */
    final String merge;
    final String changes;
    /** A row's version and whether it is deleted, for a merge that touched nothing; null without {@link #merge}. */
    final String state;

    RowStatements(TrackedTable table) {
        String key = table.key();
        String cast = "::" + table.keyType();
        TrackedTable.History history = table.history();
        String deleted = table.softDelete() == null ? "false" : "t." + table.softDelete() + " IS NOT NULL";
        returning = "RETURNING t." + key + "::text AS key, " + (table.versioned() ? "t.version" : "0::bigint AS version")
                + ", " + table.representation() + "(t) AS json, " + deleted + " AS deleted";
        String version = table.versioned() ? "t.version" : """
                (SELECT coalesce(max(h.version), 0) FROM %s h WHERE %s) AS version"""
                .formatted(history.relation(), history.match("h", "t." + key + "::" + history.keyType()));
        read = """
                SELECT %s, %s(t) AS json, %s(t)::text AS state
                  FROM %s t
                 WHERE t.%s = ?%s
                """.formatted(version, table.representation(), table.state(), table.relation(), key, cast);
        lock = read + "   FOR NO KEY UPDATE\n";
        lastVersion = "SELECT max(h.version) FROM %s h WHERE %s".formatted(history.relation(), history.match("h"));
        create = """
                INSERT INTO %s AS t (%s)
                SELECT %s FROM (SELECT ?::jsonb AS state) s
                %s
                """.formatted(table.relation(), columnNames(table), columnValues(table), returning);
        update = """
                UPDATE %s t
                   SET %s%s
                  FROM (%%1$s) s(key, state)
                 WHERE t.%s = s.key%s AND s.state <> 'null'
                %%2$s
                """.formatted(table.relation(), assignments(table), softDeleteAssignment(table), key, cast);
        insertAgain = """
                INSERT INTO %1$s AS t (%2$s, %3$s%4$s)
                SELECT s.key%5$s, %6$s%7$s
                  FROM (%%1$s) s(key, state)
                 WHERE s.state <> 'null' AND NOT EXISTS (SELECT 1 FROM %1$s x WHERE x.%2$s = s.key%5$s)
                %%2$s
                """.formatted(table.relation(), key, columnNames(table),
                table.softDelete() == null ? "" : ", " + table.softDelete() + ", " + table.created(), cast,
                columnValues(table), table.softDelete() == null ? "" : softDeleteValues(table));
        delete = """
                DELETE FROM %s t USING (%%1$s) s(key, state)
                 WHERE t.%s = s.key%s AND s.state = 'null'
                RETURNING t.%s::text AS key, %s AS version, NULL::text AS json, true AS deleted
                """.formatted(table.relation(), key, cast, key, table.versioned() ? "t.version + 1" : "0::bigint");
        merge = table.versioned()
                ? SqlFile.load(RowStatements.class, "/dev/custodian/" + table.name() + "/merge-patch.sql") : null;
        changes = "SELECT h.changes::text FROM %s h WHERE %s AND h.version = ?".formatted(history.relation(),
                history.match("h"));
        state = table.softDelete() == null ? null : "SELECT t.version, t.%s IS NOT NULL AS deleted FROM %s t WHERE t.%s = ?%s"
                .formatted(table.softDelete(), table.relation(), key, cast);
    }

    // deleted_at keeps its time while the row stays deleted, so only a real change is recorded.
    private static String softDeleteAssignment(TrackedTable table) {
        return table.softDelete() == null ? "" : """
                ,
                       %1$s = CASE WHEN (s.state -> 'deleted')::boolean THEN coalesce(t.%1$s, now()) END"""
                .formatted(table.softDelete());
    }

    // A row coming back under its old key: its first recorded time is its creation time; the
    // version trigger continues the key's numbering from history.
    private static String softDeleteValues(TrackedTable table) {
        TrackedTable.History history = table.history();
        return """
                ,
                       CASE WHEN (s.state -> 'deleted')::boolean THEN now() END,
                       coalesce((SELECT h.at FROM %s h WHERE %s ORDER BY h.version LIMIT 1), now())"""
                .formatted(history.relation(), history.match("h", "s.key::" + history.keyType()));
    }

    private static String columnNames(TrackedTable table) {
        return table.columns().stream().map(column -> SqlNames.identifier(column.name())).collect(Collectors.joining(", "));
    }

    private static String columnValues(TrackedTable table) {
        return table.columns().stream().map(column -> valueOf(table, column)).collect(Collectors.joining(", "));
    }

    private static String assignments(TrackedTable table) {
        return table.columns().stream().map(column -> SqlNames.identifier(column.name()) + " = " + valueOf(table, column))
                .collect(Collectors.joining(", "));
    }

    /**
     * A column's value in the state: a row's own state is read back as the row type reads it
     * (a JSON null is SQL NULL, every type as to_jsonb wrote it); otherwise documents as they
     * are, fields as text cast to their type.
     */
    private static String valueOf(TrackedTable table, TrackedTable.Column column) {
        if (table.stateIsRow()) {
            return "(jsonb_populate_record(NULL::" + table.relation() + ", s.state))." + SqlNames.identifier(column.name());
        }
        return column.document()
                ? "s.state -> " + SqlNames.literal(column.name())
                : "(s.state ->> " + SqlNames.literal(column.name()) + ")::" + column.type();
    }
}
