package dev.custodian.tracked;

import java.util.List;

/**
 * What the write pipeline needs to know of a tracked table: its name and key, the columns a
 * write sets (fields, and documents whose keys the guard and the diff look inside), the
 * soft-delete column, the database functions that render a row for the API and as the state
 * history records, and the history table. Immutable.
 *
 * <p>A row's <em>state</em> is the JSON object history describes: one member per column, plus
 * {@code "deleted"} (a boolean) when the table soft-deletes; a JSON null when there is no row.
 *
 * @param name           the table
 * @param noun           what a row is called in messages ("user")
 * @param key            the key column; keys are passed as text and cast to {@code keyType}
 * @param keyType        the SQL type of the key
 * @param columns        the columns a write sets, in order
 * @param softDelete     the timestamp column set when a row is deleted, kept while deleted
 * @param created        the creation-time column, restored from history when a row comes back
 * @param representation the SQL function rendering a row as API JSON text
 * @param state          the SQL function rendering a row as its history state (jsonb)
 * @param history        the history table, keyed by {@code historyKey} and {@code version}
 * @param historyKey     the column of {@code history} holding the row's key
 */
public record TrackedTable(String name, String noun, String key, String keyType, List<Column> columns,
                           String softDelete, String created, String representation, String state,
                           String history, String historyKey) {

    /** The users of the API. */
    public static final TrackedTable USERS = new TrackedTable("users", "user", "id", "bigint",
            List.of(new Column("name", "text"), new Column("email", "text"), new Column("data", "jsonb")),
            "deleted_at", "created_at", "custodian_user_json", "custodian_history_state",
            "user_changes", "user_id");

    public TrackedTable {
        columns = List.copyOf(columns);
    }

    /** A column a write sets; a {@code jsonb} column is a document. */
    public record Column(String name, String type) {
        boolean document() {
            return type.equals("jsonb");
        }
    }
}
