package dev.custodian.history;

import dev.custodian.db.DatabaseException;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.jobs.Progress;
import dev.custodian.jobs.ProgressListener;
import dev.custodian.patch.PatchException;
import dev.custodian.tracked.RowErasedException;
import dev.custodian.tracked.RowNotFoundException;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Roll back a time window across the rows of one tracked table (users, or an adopted table): for
 * each row with matching changes, the write pipeline locks it in a short transaction of its own,
 * this undoes those changes newest first while keeping every path a later change outside the
 * rollback touched, and the pipeline writes the result, recorded as op {@code rollback} with the
 * rollback's request id. A row that fails is rolled back in its own transaction only, so every
 * row ends either fully rolled back or untouched, and the report names the failures; an erased
 * row is one of them, skipped with its erasure named. No lock is held across rows. Thread-safe.
 */
final class Rollbacks {
    private static final Logger log = LoggerFactory.getLogger(Rollbacks.class);

    private final Transactions transactions;
    private final HistoryStore store;
    private final TrackedWrites writes;

    Rollbacks(Transactions transactions, HistoryStore store, TrackedWrites writes) {
        this.transactions = transactions;
        this.store = store;
        this.writes = writes;
    }

    /** What the rollback did to one row. */
    private record RowResult(boolean changed, int undone, List<RollbackReport.Conflict> conflicts) {
    }

    /** The keys of the rows with changes the rollback undoes, each of which it goes through in a transaction of its own. */
    List<String> keysOf(RollbackRequest request) {
        return transactions.autocommit(connection -> store.keysChangedIn(connection, request));
    }

    /** Rolls back the rows of {@code keys} (from {@link #keysOf}), telling {@code progress} after each one. */
    RollbackReport rollBack(RollbackRequest request, List<String> keys, String actor,
                            String requestId, ProgressListener progress) {
        TrackedTable table = store.table();
        Progress done = new Progress(keys.size(), 0, 0, 0);
        // One row per statement: the bulk guard needs no confirmation, the key-loss guard does.
        WriteContext context = WriteContext.of(actor, requestId).withOp("rollback").allowingRemoval();
        WriteRequest write = new WriteRequest(context, OptionalLong.empty(), request.dryRun());
        int affected = 0;
        int undone = 0;
        List<RollbackReport.Conflict> conflicts = new ArrayList<>();
        List<RollbackReport.Failure> failed = new ArrayList<>();
        for (String key : keys) {
            try {
                RowResult result = rollBackRow(request, write, key);
                affected += result.changed() ? 1 : 0;
                undone += result.undone();
                conflicts.addAll(result.conflicts());
                done = done.plus(0, result.undone(), result.conflicts().size());
            } catch (ApiException | PatchException | RowNotFoundException | RowErasedException | DatabaseException e) {
                failed.add(RollbackReport.Failure.of(table, key, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("rollback {} failed for {} {}", requestId, table.noun(), key, e);
                failed.add(RollbackReport.Failure.of(table, key,
                        "unexpected failure; the log has it under request " + requestId));
            }
            done = done.plus(1, 0, 0);
            progress.update(done);
        }
        log.info("rollback {} of {} [{}, {}) actor={} source={} dryRun={}: {} rows affected, {} changes undone, "
                        + "{} conflicts, {} failed", requestId, table.name(), request.from(), request.to(),
                request.actor(), request.source(), request.dryRun(), affected, undone, conflicts.size(), failed.size());
        return RollbackReport.of(table, request.dryRun(), affected, undone, List.copyOf(conflicts), List.copyOf(failed));
    }

    private RowResult rollBackRow(RollbackRequest request, WriteRequest write, String key) {
        UndoPlan.Outcome[] planned = new UndoPlan.Outcome[1];
        long[] versionBefore = new long[1];
        var written = writes.restoreState(write, key, (current, connection) -> {
            versionBefore[0] = current.version();
            planned[0] = UndoPlan.apply(current.state(), store.undoWindow(connection, key, request));
            return States.checked(store.table(), key, planned[0].after());
        });
        List<RollbackReport.Conflict> conflicts = planned[0].conflicts().stream()
                .map(c -> RollbackReport.Conflict.of(store.table(), key, c.path().toString(), c.changedIn().last()))
                .toList();
        return new RowResult(written.version() != versionBefore[0], planned[0].undone(), conflicts);
    }
}
