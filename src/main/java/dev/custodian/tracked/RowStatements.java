package dev.custodian.tracked;

import dev.custodian.db.SqlFile;
import java.util.stream.Collectors;

/**
 * The SQL of the write pipeline for one table, built once from its description. Writes take
 * their target states from a relation {@code (key, state)} (the first placeholder): one bound row
 * for a single write, a query for a set (a restore); a state's members become the columns, a JSON
 * null state means "no row". A single write appends {@link #returning} (the second placeholder).
 * Immutable.
 */
final class RowStatements {
    /** One target state, bound: the key as text and the state as JSON text. */
    static final String ONE_TARGET = "VALUES (?, ?::jsonb)";

    /** What a single write returns: key, version, representation and whether the row is deleted. */
    final String returning;
    final String lock;
    final String lastVersion;
    final String create;
    final String update;
    final String insertAgain;
    final String delete;
    final String merge;
    final String changes;
    final String state;

    RowStatements(TrackedTable table) {
        String key = table.key();
        String cast = "::" + table.keyType();
        returning = "RETURNING t." + key + "::text AS key, t.version, " + table.representation()
                + "(t) AS json, t." + table.softDelete() + " IS NOT NULL AS deleted";
        lock = """
                SELECT t.version, %s(t) AS json, %s(t)::text AS state
                  FROM %s t
                 WHERE t.%s = ?%s
                   FOR NO KEY UPDATE
                """.formatted(table.representation(), table.state(), table.name(), key, cast);
        lastVersion = "SELECT max(h.version) FROM %s h WHERE h.%s = ?%s".formatted(table.history(), table.historyKey(), cast);
        create = """
                INSERT INTO %s AS t (%s)
                SELECT %s FROM (SELECT ?::jsonb AS state) s
                %s
                """.formatted(table.name(), columnNames(table), columnValues(table), returning);
        // deleted_at keeps its time while the row stays deleted, so only a real change is recorded.
        update = """
                UPDATE %1$s t
                   SET %2$s,
                       %3$s = CASE WHEN (s.state -> 'deleted')::boolean THEN coalesce(t.%3$s, now()) END
                  FROM (%%1$s) s(key, state)
                 WHERE t.%4$s = s.key%5$s AND s.state <> 'null'
                %%2$s
                """.formatted(table.name(), assignments(table), table.softDelete(), key, cast);
        // A row coming back under its old key: its first recorded time is its creation time; the
        // version trigger continues the key's numbering from history.
        insertAgain = """
                INSERT INTO %1$s AS t (%2$s, %3$s, %4$s, %5$s)
                SELECT s.key%6$s, %7$s,
                       CASE WHEN (s.state -> 'deleted')::boolean THEN now() END,
                       coalesce((SELECT h.at FROM %8$s h WHERE h.%9$s = s.key%6$s ORDER BY h.version LIMIT 1), now())
                  FROM (%%1$s) s(key, state)
                 WHERE s.state <> 'null' AND NOT EXISTS (SELECT 1 FROM %1$s x WHERE x.%2$s = s.key%6$s)
                %%2$s
                """.formatted(table.name(), key, columnNames(table), table.softDelete(), table.created(), cast,
                columnValues(table), table.history(), table.historyKey());
        delete = """
                DELETE FROM %s t USING (%%1$s) s(key, state)
                 WHERE t.%s = s.key%s AND s.state = 'null'
                RETURNING t.%s::text AS key, t.version + 1 AS version, NULL::text AS json, true AS deleted
                """.formatted(table.name(), key, cast, key);
        merge = SqlFile.load(RowStatements.class, "/dev/custodian/" + table.name() + "/merge-patch.sql");
        changes = "SELECT h.changes::text FROM %s h WHERE h.%s = ?%s AND h.version = ?"
                .formatted(table.history(), table.historyKey(), cast);
        state = "SELECT t.version, t.%s IS NOT NULL AS deleted FROM %s t WHERE t.%s = ?%s"
                .formatted(table.softDelete(), table.name(), key, cast);
    }

    private static String columnNames(TrackedTable table) {
        return table.columns().stream().map(TrackedTable.Column::name).collect(Collectors.joining(", "));
    }

    private static String columnValues(TrackedTable table) {
        return table.columns().stream().map(RowStatements::valueOf).collect(Collectors.joining(", "));
    }

    private static String assignments(TrackedTable table) {
        return table.columns().stream().map(column -> column.name() + " = " + valueOf(column))
                .collect(Collectors.joining(", "));
    }

    /** A column's value in the state: documents as they are, fields as text cast to their type. */
    private static String valueOf(TrackedTable.Column column) {
        return column.document()
                ? "s.state -> '" + column.name() + "'"
                : "(s.state ->> '" + column.name() + "')::" + column.type();
    }
}
