package dev.custodian.backup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * The users of a loaded backup that are erased: by this database's erasure register, or by the
 * register the file carries (a backup taken in another database after an erasure there). A
 * restore removes them (their row and their history) from what it loaded before comparing
 * anything, so their values never come back; a verify names them. Works on the tables a backup
 * was loaded into (staging or scratch), named by {@code loaded}. Thread-safe (stateless).
 */
final class ErasedUsers {
    // The loaded table's key, qualified: erasures has an id column of its own.
    private static final String ERASED = "EXISTS (SELECT 1 FROM erasures e WHERE e.table_name = 'users' AND e.row_key = %s::text)";
    private static final String ERASED_BY_FILE =
            " OR EXISTS (SELECT 1 FROM %s f WHERE f.table_name = 'users' AND f.row_key = %s::text)";
    private static final String FIND = """
            SELECT count(*) AS n, coalesce((array_agg(id ORDER BY id))[1:%d], '{}') AS ids
              FROM (%s) loaded WHERE %s
            """;
    private static final String REMOVE = "DELETE FROM %s loaded WHERE %s";

    private ErasedUsers() {
    }

    /** The backup's erased users: how many, and the smallest ids. */
    static UserIds in(Connection connection, Manifest manifest, Function<BackedUpTable, String> loaded) throws SQLException {
        String ids = String.join(" UNION ", present(manifest).stream()
                .map(table -> "SELECT " + keyOf(table) + " AS id FROM " + loaded.apply(table)).toList());
        if (ids.isEmpty()) {
            return UserIds.NONE;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                FIND.formatted(UserIds.LISTED, ids, erased(manifest, loaded, "loaded.id")));
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new UserIds(rows.getLong("n"), List.of((Long[]) rows.getArray("ids").getArray()));
        }
    }

    /** Removes the erased users' rows and history from the loaded backup; returns who they were. */
    static UserIds remove(Connection connection, Manifest manifest, Function<BackedUpTable, String> loaded) throws SQLException {
        UserIds erased = in(connection, manifest, loaded);
        if (erased.count() > 0) {
            for (BackedUpTable table : present(manifest)) {
                try (PreparedStatement statement = connection.prepareStatement(
                        REMOVE.formatted(loaded.apply(table), erased(manifest, loaded, "loaded." + keyOf(table))))) {
                    statement.execute();
                }
            }
        }
        return erased;
    }

    /** The condition that the key is erased: in this database's register or in the file's. */
    private static String erased(Manifest manifest, Function<BackedUpTable, String> loaded, String key) {
        String condition = ERASED.formatted(key);
        if (manifest.section(BackedUpTable.ERASURES.tableName()).isPresent()) {
            condition += ERASED_BY_FILE.formatted(loaded.apply(BackedUpTable.ERASURES), key);
        }
        return "(" + condition + ")";
    }

    private static List<BackedUpTable> present(Manifest manifest) {
        return List.of(BackedUpTable.USERS, BackedUpTable.USER_CHANGES).stream()
                .filter(table -> manifest.section(table.tableName()).isPresent()).toList();
    }

    private static String keyOf(BackedUpTable table) {
        return table == BackedUpTable.USERS ? "id" : "user_id";
    }
}
