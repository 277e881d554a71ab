package dev.custodian.tracked;

import dev.custodian.db.SqlNames;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the write pipeline and history need to know of a tracked table: its name and key, the
 * columns a write sets (fields, and documents whose keys the guard and the diff look inside),
 * where a row's version comes from, whether the table soft-deletes, the SQL that renders a row
 * for the API and as the state history records, and where its history is. Custodian's own users
 * ({@link #USERS}) and every adopted table are described by one of these, so one pipeline serves
 * them all. Immutable.
 *
 * <p>A row's <em>state</em> is the JSON object history describes: one member per column, plus
 * {@code "deleted"} (a boolean) when the table soft-deletes; a JSON null when there is no row.
 * For an adopted table the state is the row itself ({@code to_jsonb}), written back with
 * {@code jsonb_populate_record}, and its version is the number of its recorded changes.
 *
 * @param name           the table's name: in messages, in the erasure register and in {@code /tables/{table}}
 * @param relation       the table in SQL, schema-qualified and quoted where it needs to be
 * @param noun           what a row is called in messages ("user", "Accounts row")
 * @param key            the key column in SQL; keys are passed as text and cast to {@code keyType}
 * @param keyType        the SQL type of the key
 * @param columns        the columns a write sets besides the key, in order
 * @param versioned      whether the table has a {@code version} column (else history counts the versions)
 * @param softDelete     the timestamp column set when a row is deleted, kept while deleted; null: rows are deleted
 * @param created        the creation-time column, restored from history when a row comes back; null when none
 * @param representation the SQL function rendering a row as API JSON
 * @param state          the SQL function rendering a row as its history state (jsonb)
 * @param history        where the table's history is and how a row's entries are found
 */
public record TrackedTable(String name, String relation, String noun, String key, String keyType, List<Column> columns,
                           boolean versioned, String softDelete, String created, String representation, String state,
                           History history) {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** The users of the API. */
    public static final TrackedTable USERS = new TrackedTable("users", "users", "user", "id", "bigint",
            List.of(new Column("name", "text"), new Column("email", "text"), new Column("data", "jsonb")),
            true, "deleted_at", "created_at", "custodian_user_json", "custodian_history_state",
            new History("user_changes", null, "user_id", "bigint", true));

    public TrackedTable {
        columns = List.copyOf(columns);
    }

    /**
     * An adopted table, as the registry ({@code custodian.adopted_tables}) and the catalog describe it.
     *
     * @param columns every column but the key, by name, with its type as {@code format_type} prints it
     */
    public static TrackedTable adopted(String schema, String table, String keyColumn, String keyType,
                                       List<Column> columns) {
        return new TrackedTable(table, SqlNames.identifier(schema) + "." + SqlNames.identifier(table), table + " row",
                SqlNames.identifier(keyColumn), keyType, columns, false, null, null, "to_jsonb", "to_jsonb",
                new History("custodian.changes", "table_name = " + SqlNames.literal(table), "row_key", "text", false));
    }

    /**
     * {@code text} as a key of this table, as PostgreSQL prints it (the form history records:
     * "7" for "007", a UUID in lower case); empty when it is not a value of the key's type.
     */
    public Optional<String> canonicalKey(String text) {
        return Optional.ofNullable(switch (keyType) {
            case "integer" -> whole(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "bigint" -> whole(text, Long.MIN_VALUE, Long.MAX_VALUE);
            case "uuid" -> UUID.matcher(text).matches() ? text.toLowerCase(Locale.ROOT) : null;
            default -> text;
        });
    }

    private static String whole(String text, long min, long max) {
        try {
            long value = Long.parseLong(text.trim());
            return value >= min && value <= max ? Long.toString(value) : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** Why {@code text} is refused as a key of this table, for a person: the table and the key's type. */
    public String notAKey(String text) {
        return "'" + text + "' is not a key of table " + name + ", whose key is of type " + keyType;
    }

    /** Whether a row's state is the row itself, written back column by column from it. */
    public boolean stateIsRow() {
        return !versioned;
    }

    /** A column a write sets; a {@code jsonb} column is a document. */
    public record Column(String name, String type) {
        boolean document() {
            return type.equals("jsonb");
        }
    }

    /**
     * Where a table's history is: the history relation, the condition that singles out this
     * table's entries in it (null when the relation holds this table's alone), the column holding
     * a row's key and its type, and whether compaction may have cut the entries short (the
     * relation then has {@code compacted_at}).
     */
    public record History(String relation, String scope, String keyColumn, String keyType, boolean compacted) {

        /** The condition on history alias {@code h} that selects one row's entries, its key the next placeholder. */
        public String match(String h) {
            return match(h, "?::" + keyType);
        }

        /** The condition on history alias {@code h} that selects the entries of the row whose key is {@code key} (SQL). */
        public String match(String h, String key) {
            String condition = h + "." + keyColumn + " = " + key;
            return scope == null ? condition : h + "." + scope + " AND " + condition;
        }

        /** The condition on history alias {@code h} that selects this table's entries. */
        public String within(String h) {
            return scope == null ? "true" : h + "." + scope;
        }

        /** The key of the entry under alias {@code h}, as the column holds it. */
        public String key(String h) {
            return h + "." + keyColumn;
        }
    }
}
