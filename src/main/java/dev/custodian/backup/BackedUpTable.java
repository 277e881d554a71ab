package dev.custodian.backup;

import java.util.List;
import java.util.Optional;

/**
 * The tables a backup holds, in file order, with the key their rows are ordered by when
 * checksummed. {@code user_changes} is included whenever the database has it.
 */
enum BackedUpTable {
    USERS("users", List.of("id"), List.of("id", "name", "email", "data", "created_at", "deleted_at")),
    USER_CHANGES("user_changes", List.of("user_id", "version"), List.of("user_id", "version"));

    private final String tableName;
    private final List<String> key;
    private final List<String> required;

    BackedUpTable(String tableName, List<String> key, List<String> required) {
        this.tableName = tableName;
        this.key = key;
        this.required = required;
    }

    String tableName() {
        return tableName;
    }

    /** The primary key; its first column is a user id, which groups rows into checksum buckets. */
    List<String> key() {
        return key;
    }

    /** Columns a backup must hold for a restore to rebuild the rows. */
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
