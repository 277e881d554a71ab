package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.ProblemType;
import dev.custodian.tracked.ErasureRegister;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Everything history does for one tracked table, users or an adopted table alike: its writes,
 * its history store, past states, reverts and rollbacks, built once from its description, and
 * how a key in a request's path is read. Immutable; thread-safe.
 */
final class TableHistory {
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    final TrackedTable table;
    final TrackedWrites writes;
    final ErasureRegister erasures;
    final HistoryStore store;
    final PastStates past;
    final Reverts reverts;
    final Rollbacks rollbacks;

    TableHistory(Transactions transactions, TrackedTable table) {
        this.table = table;
        this.writes = new TrackedWrites(transactions, table);
        this.erasures = new ErasureRegister(table);
        this.store = new HistoryStore(table);
        this.past = new PastStates(store);
        this.reverts = new Reverts(writes, store, past);
        this.rollbacks = new Rollbacks(transactions, store, writes);
    }

    /** Whether this is Custodian's own users, which the API names by id. */
    boolean users() {
        return table.equals(TrackedTable.USERS);
    }

    /**
     * The key a path names, as PostgreSQL prints it (the form history records: "7" for "007", a
     * UUID in lower case); 400 naming the path when it is not a value of the key's type.
     */
    String key(String text, String path) {
        String key = switch (table.keyType()) {
            case "integer" -> whole(text, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case "bigint" -> whole(text, Long.MIN_VALUE, Long.MAX_VALUE);
            case "uuid" -> UUID.matcher(text).matches() ? text.toLowerCase(java.util.Locale.ROOT) : null;
            default -> text;
        };
        if (key == null) {
            throw new ApiException(ProblemType.BAD_REQUEST, path + ": '" + text + "' is not a key of table " + table.name()
                    + ", whose key is of type " + table.keyType() + "; nothing was read or changed",
                    List.of(new ApiException.FieldError("key", "must be a value of type " + table.keyType())), Map.of());
        }
        return key;
    }

    private static String whole(String text, long min, long max) {
        try {
            long value = Long.parseLong(text.trim());
            return value >= min && value <= max ? Long.toString(value) : null;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }
}
