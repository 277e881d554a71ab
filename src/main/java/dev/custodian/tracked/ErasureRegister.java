package dev.custodian.tracked;

import dev.custodian.db.SqlNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The erasure register ({@code erasures}, migration V9) as the write pipeline uses it, for users
 * and adopted tables alike: whether a row was erased, the erasure of a row's history, and the
 * register's entry. The register names the table and the key as text, so rows of any tracked
 * table can be erased. Every method runs on the caller's connection, within its transaction.
 * Thread-safe (stateless).
 */
public final class ErasureRegister {
    private static final String ERASED_AT = """
            SELECT custodian_time(e.at) FROM erasures e WHERE e.table_name = ? AND e.row_key = ?
            """;
    // Two erasures of one key wait for each other, so the second sees the first's entry.
    private static final String SERIALIZE = "SELECT pg_advisory_xact_lock(hashtext('custodian erasure'), hashtext(?))";
    private static final String RECORD = """
            INSERT INTO erasures (table_name, row_key, actor, request_id, reason, history_entries)
            VALUES (?, ?, custodian_change_actor(), nullif(current_setting('custodian.request_id', true), ''), ?, ?)
            RETURNING id, custodian_time(at) AS at, actor, request_id
            """;

    private final TrackedTable table;
    private final String historyExtent;
    private final String eraseHistory;
    private final String marker;

    public ErasureRegister(TrackedTable table) {
        this.table = table;
        String cast = "::" + table.keyType();
        TrackedTable.History history = table.history();
        historyExtent = "SELECT count(*), custodian_time(min(h.at)) FROM %s h WHERE %s"
                .formatted(history.relation(), history.match("h"));
        eraseHistory = """
                UPDATE %s h SET changes = custodian_erased_ops(h.changes), undo = custodian_erased_ops(h.undo), snapshot = NULL
                 WHERE %s
                """.formatted(history.relation(), history.match("h"));
        // The erasure's own entry for a key without a row (hard-deleted before): the row's delete
        // records it otherwise. An adopted table's history numbers the entry itself.
        marker = table.stateIsRow() ? """
                SELECT custodian.custodian_adopted_append(%s, ?, 'erase', '[{"op": "replace", "path": ""}]',
                                                          '[{"op": "replace", "path": ""}]', NULL, NULL)
                """.formatted(SqlNames.literal(table.name())) : """
                SELECT custodian_history_append(?%s, ?, now(), 'erase', '[{"op": "replace", "path": ""}]',
                                                '[{"op": "replace", "path": ""}]', NULL)
                """.formatted(cast);
    }

    /** The register's entry for one erasure. */
    public record Entry(long id, String at, String actor, String requestId) {
    }

    /** How much history a row has: entries, and the time of the first (null when none). */
    record HistoryExtent(long entries, String firstAt) {
    }

    /** When the row was erased; empty when it never was. */
    private Optional<String> erasedAt(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(ERASED_AT)) {
            statement.setString(1, table.name());
            statement.setString(2, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    /** Throws {@link RowErasedException} when the row was erased: what every way back checks first. */
    public void refuseIfErased(Connection connection, String key) throws SQLException {
        Optional<String> at = erasedAt(connection, key);
        if (at.isPresent()) {
            throw new RowErasedException(table, key, at.get());
        }
    }

    void serialize(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(SERIALIZE)) {
            statement.setString(1, table.name() + ":" + key);
            statement.execute();
        }
    }

    HistoryExtent historyExtent(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(historyExtent)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new HistoryExtent(rows.getLong(1), rows.getString(2));
            }
        }
    }

    void recordMarker(Connection connection, String key, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(marker)) {
            statement.setString(1, key);
            if (!table.stateIsRow()) {
                statement.setLong(2, version);
            }
            statement.execute();
        }
    }

    /** Takes the values out of every history entry of the row; the register must hold it already. */
    long eraseHistory(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(eraseHistory)) {
            statement.setString(1, key);
            return statement.executeLargeUpdate();
        }
    }

    Entry record(Connection connection, String key, String reason, long historyEntries) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(RECORD)) {
            statement.setString(1, table.name());
            statement.setString(2, key);
            statement.setString(3, reason);
            statement.setLong(4, historyEntries);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Entry(rows.getLong("id"), rows.getString("at"), rows.getString("actor"),
                        rows.getString("request_id"));
            }
        }
    }
}
