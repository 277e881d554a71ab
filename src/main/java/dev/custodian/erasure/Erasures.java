package dev.custodian.erasure;

import dev.custodian.backup.Backups;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.tracked.Erasure;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Erases a user, or a row of an adopted table, through the write pipeline and names the backup
 * files that still hold its values (Custodian's backups hold users only). Logs each erasure with
 * its table, key, actor and request id, never a value or the reason. Thread-safe.
 */
public final class Erasures {
    private static final Logger log = LoggerFactory.getLogger(Erasures.class);

    private final Transactions transactions;
    private final TrackedWrites users;
    private final Backups backups;

    public Erasures(Transactions transactions, Backups backups) {
        this.transactions = transactions;
        this.users = new TrackedWrites(transactions, TrackedTable.USERS);
        this.backups = backups;
    }

    /** Erases the user {@code request} names. */
    public ErasureReport erase(ErasureRequest request, WriteContext context) {
        return erase(TrackedTable.USERS, users, request, context);
    }

    /** Erases the row of the adopted table {@code table} that {@code request} names. */
    public ErasureReport erase(TrackedTable table, ErasureRequest request, WriteContext context) {
        return erase(table, new TrackedWrites(transactions, table), request, context);
    }

    private ErasureReport erase(TrackedTable table, TrackedWrites writes, ErasureRequest request, WriteContext context) {
        WriteRequest write = new WriteRequest(context, OptionalLong.empty(), request.dryRun());
        Erasure erasure = writes.erase(write, request.key(), request.reason());
        List<String> holding = erasure.firstRecordedAt() == null || !table.equals(TrackedTable.USERS) ? List.of()
                : backups.takenSince(Instant.parse(erasure.firstRecordedAt()));
        if (!request.dryRun()) {
            log.warn("{} {} erased by {} (request {}): row removed: {}, {} history entries emptied, {} backup files"
                            + " still hold its values until they are deleted", table.noun(), request.key(), context.actor(),
                    context.requestId(), erasure.rows() > 0, erasure.historyEntries(), holding.size());
        }
        return new ErasureReport(table, request.reason(), erasure, holding);
    }
}
