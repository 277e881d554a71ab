package dev.custodian.backup;

import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The erasure register a backup file carries, as a restore takes it over: the entries this
 * database's register lacks are added to it (as they were: time, actor, request id, reason), and
 * what this database still holds of those users is erased, so a person erased where the backup
 * was taken stays erased here too, for every later restore, revert and rollback. Runs on the
 * restore's connection, within its transaction, before the backup's users are compared.
 * Thread-safe (stateless).
 */
final class CarriedRegister {
    private static final String MISSING = """
            SELECT count(*) FROM %s f
             WHERE NOT EXISTS (SELECT 1 FROM erasures e WHERE e.table_name = f.table_name AND e.row_key = f.row_key)
            """;
    private static final String ADD = """
            INSERT INTO erasures (table_name, row_key, at, actor, request_id, reason, history_entries)
            SELECT f.table_name, f.row_key, f.at, f.actor, f.request_id, f.reason, f.history_entries
              FROM %s f
             WHERE NOT EXISTS (SELECT 1 FROM erasures e WHERE e.table_name = f.table_name AND e.row_key = f.row_key)
             ORDER BY f.at, f.row_key
            RETURNING table_name, row_key
            """;

    private CarriedRegister() {
    }

    /** Adds the file's entries this database lacks and erases what it holds of them; returns the users added. */
    static UserIds adopt(Connection connection, Manifest manifest, String loaded, WriteContext context,
                         TrackedWrites users) throws SQLException {
        if (manifest.section(BackedUpTable.ERASURES.tableName()).isEmpty()) {
            return UserIds.NONE;
        }
        long missing = count(connection, MISSING.formatted(loaded));
        if (missing == 0) {
            return UserIds.NONE;
        }
        // The bulk guard: one statement registering several erasures declares exactly how many.
        Transactions.declare(connection, context.allowingRows(missing));
        var added = new ArrayList<Long>();
        try (PreparedStatement statement = connection.prepareStatement(ADD.formatted(loaded));
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (rows.getString("table_name").equals(TrackedTable.USERS.name())) {
                    added.add(Long.parseLong(rows.getString("row_key")));
                }
            }
        } finally {
            Transactions.declare(connection, context);
        }
        for (long user : added) {
            users.eraseRegistered(connection, context, Long.toString(user));
        }
        List<Long> listed = added.stream().sorted().limit(UserIds.LISTED).toList();
        return new UserIds(added.size(), listed);
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
