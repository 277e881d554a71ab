package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.tracked.ErasureRegister;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;

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
}
