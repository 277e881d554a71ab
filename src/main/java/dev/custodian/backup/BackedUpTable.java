package dev.custodian.backup;

import java.util.List;
import java.util.Optional;

/**
 * The tables a backup holds, in file order, with the columns a restore needs. {@code user_changes} is included whenever the database has it.
 */
enum BackedUpTable {
    USERS("users", List.of("id", "name", "email", "data", "created_at", "deleted_at")),
    USER_CHANGES("user_changes", List.of("user_id", "version"));

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

    /** A name as a quoted SQL identifier; names here come from the catalog or are checked against it. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
