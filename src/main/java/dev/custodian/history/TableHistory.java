package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.tracked.ErasureRegister;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import java.util.Optional;

/**
 * Everything history does for one tracked table, users or an adopted table alike: its writes,
 * its history store, past states, reverts and rollbacks, built once from its description.
 * Immutable; thread-safe.
 */
final class TableHistory {
    final TrackedTable table;
    final TrackedWrites writes;
    final ErasureRegister erasures;
    final HistoryStore store;
    final PastStates past;
    final Reverts reverts;
    final Rollbacks rollbacks;
    final RecentChanges recent;

    TableHistory(Transactions transactions, TrackedTable table) {
        this.table = table;
        this.writes = new TrackedWrites(transactions, table);
        this.erasures = new ErasureRegister(table);
        this.store = new HistoryStore(table);
        this.past = new PastStates(store);
        this.reverts = new Reverts(writes, store, past);
        this.rollbacks = new Rollbacks(transactions, store, writes);
        // An entry of /changes names its row: a user by its id, as the users API does; an adopted
        // row by its table and its key as text, as /tables/{table}/rows/{key} does.
        this.recent = new RecentChanges(table, users() ? "'userId', c.user_id" : "'table', c.table_name, 'key', c.row_key");
    }

    /** {@code text} as a key of this table as PostgreSQL prints it; empty when it is none (a user's id is positive). */
    Optional<String> key(String text) {
        Optional<String> key = table.canonicalKey(text);
        return users() ? key.filter(id -> Long.parseLong(id) > 0) : key;
    }

    /** Whether this is Custodian's own users, which the API names by id. */
    boolean users() {
        return table.equals(TrackedTable.USERS);
    }
}
