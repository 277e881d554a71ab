package dev.custodian.backup;

import java.util.List;
import java.util.Optional;

/**
 * The tables a backup holds, in file order, with the columns a restore needs. {@code user_changes} and
 * {@code erasures} are included whenever the database has them. The erasure register travels with
 * the backup so that a restore into a database that lacks its entries still keeps erased people
 * erased; it holds no erased value (table, key, time, actor, request id, reason, counts).
 */
enum BackedUpTable {
    USERS("users", List.of("id", "name", "email", "data", "created_at", "deleted_at")),
    USER_CHANGES("user_changes", List.of("user_id", "version")),
    ERASURES("erasures", List.of("table_name", "row_key", "at", "actor", "request_id", "reason", "history_entries"));

    private final String tableName;
    private final List<String> required;

    BackedUpTable(String tableName, List<String> required) {
        this.tableName = tableName;
        this.required = required;
    }

    String tableName() {
        return tableName;
    }

    /** Columns a backup must hold for a restore to rebuild the rows: the primary key and the state. */
    List<String> required() {
        return required;
    }

    static Optional<BackedUpTable> named(String name) {
        for (BackedUpTable table : values()) {
            if (table.tableName.equals(name)) {
                return Optional.of(table);
            }
        }
        return Optional.empty();
    }
}
