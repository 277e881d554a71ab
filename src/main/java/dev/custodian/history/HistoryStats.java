package dev.custodian.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@code GET /admin/history/stats}: how much history each tracked table holds, as one JSON
 * document rendered by the database. Thread-safe (stateless).
 */
final class HistoryStats {
    // bytes: the table with its indexes and TOAST, as on disk.
    private static final String STATS = """
            SELECT json_build_object('tables', json_build_array(json_build_object(
                       'table', 'users', 'historyTable', 'user_changes',
                       'rows', count(*), 'bytes', pg_total_relation_size('user_changes'),
                       'oldest', custodian_time(min(c.at)))))::text
              FROM user_changes c
            """;

    String render(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(STATS);
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }
}
