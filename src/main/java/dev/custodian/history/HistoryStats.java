package dev.custodian.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code GET /admin/history/stats}: how much history each tracked table holds, users first, then
 * every table custodian.changes has entries of (adopted now, or once: its history outlives the
 * adoption), as one JSON document rendered by the database. Thread-safe (stateless).
 */
final class HistoryStats {
    // bytes: for users, user_changes with its indexes and TOAST, as on disk. The adopted tables
    // share custodian.changes, so each is given the size of its own entries (pg_column_size of
    // the row, TOASTed values as stored); the shared table's indexes are not divided among them.
    private static final String STATS = """
            SELECT json_build_object('tables', json_agg(t.entry ORDER BY t.place, t.name))::text
              FROM (SELECT 0 AS place, 'users' AS name,
                           json_build_object('table', 'users', 'historyTable', 'user_changes',
                                             'rows', count(*), 'bytes', pg_total_relation_size('user_changes'),
                                             'oldest', custodian_time(min(c.at))) AS entry
                      FROM user_changes c
                    UNION ALL
                    SELECT 1, c.table_name,
                           json_build_object('table', c.table_name, 'historyTable', 'custodian.changes',
                                             'rows', count(*), 'bytes', sum(pg_column_size(c.*)),
                                             'oldest', custodian_time(min(c.at)))
                      FROM custodian.changes c
                     GROUP BY c.table_name) AS t
            """;

    String render(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(STATS);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }
}
