package dev.custodian.history;

import dev.custodian.adopt.AdoptedTables;
import dev.custodian.db.Transactions;
import dev.custodian.tracked.TrackedTable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The history of every tracked table: Custodian's users, and each adopted table, found in the
 * registry whenever a request names it (so an adoption or removal while the service runs is
 * seen at once). The statements of a table are built once per description of it: a table whose
 * columns change gets a new one. Thread-safe.
 */
public final class TableHistories {
    private final Transactions transactions;
    private final TableHistory users;
    private final Map<TrackedTable, TableHistory> adopted = new ConcurrentHashMap<>();

    public TableHistories(Transactions transactions) {
        this.transactions = transactions;
        this.users = new TableHistory(transactions, TrackedTable.USERS);
    }

    TableHistory users() {
        return users;
    }

    /** The adopted table named {@code name}, as written; 404 naming {@code adopt --status} when none is adopted. */
    TableHistory adopted(String name) {
        return adopted.computeIfAbsent(AdoptedTables.require(transactions, name),
                described -> new TableHistory(transactions, described));
    }
}
