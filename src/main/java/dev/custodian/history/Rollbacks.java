package dev.custodian.history;

import com.fasterxml.jackson.databind.node.NullNode;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.ApiException;
import dev.custodian.patch.PatchException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Roll back a time window across all users: for each user with matching changes, one short
 * transaction locks its row, undoes those changes newest first while keeping every path a
 * later change outside the rollback touched, and writes the result, recorded as op
 * {@code rollback} with the rollback's request id. A user that fails is rolled back in its own
 * transaction only, so every user ends either fully rolled back or untouched, and the report
 * names the failures. No lock is held across users. Thread-safe.
 */
final class Rollbacks {
    private static final Logger log = LoggerFactory.getLogger(Rollbacks.class);

    private final Transactions transactions;
    private final HistoryStore store;
    private final UserRows rows;

    Rollbacks(Transactions transactions, HistoryStore store, UserRows rows) {
        this.transactions = transactions;
        this.store = store;
        this.rows = rows;
    }

    /** What the rollback did to one user. */
    private record UserResult(boolean changed, int undone, List<RollbackReport.Conflict> conflicts) {
    }

    RollbackReport rollBack(RollbackRequest request, String actor, String requestId) {
        List<Long> users = transactions.autocommit(connection -> store.usersChangedIn(connection, request));
        // One row per statement: the bulk guard needs no confirmation, the key-loss guard does.
        WriteContext context = WriteContext.of(actor, requestId).withOp("rollback").allowingRemoval();
        int affected = 0;
        int undone = 0;
        List<RollbackReport.Conflict> conflicts = new ArrayList<>();
        List<RollbackReport.Failure> failed = new ArrayList<>();
        for (long userId : users) {
            try {
                UserResult result = rollBackUser(request, context, userId);
                affected += result.changed() ? 1 : 0;
                undone += result.undone();
                conflicts.addAll(result.conflicts());
            } catch (ApiException | PatchException e) {
                failed.add(new RollbackReport.Failure(userId, e.getMessage()));
            } catch (RuntimeException e) {
                log.error("rollback {} failed for user {}", requestId, userId, e);
                failed.add(new RollbackReport.Failure(userId, "unexpected failure; the log has it under request " + requestId));
            }
        }
        log.info("rollback {} of [{}, {}) actor={} source={} dryRun={}: {} users affected, {} changes undone, "
                        + "{} conflicts, {} failed", requestId, request.from(), request.to(), request.actor(),
                request.source(), request.dryRun(), affected, undone, conflicts.size(), failed.size());
        return new RollbackReport(request.dryRun(), affected, undone, List.copyOf(conflicts), List.copyOf(failed));
    }

    private UserResult rollBackUser(RollbackRequest request, WriteContext context, long userId) {
        Transactions.Work<UserResult> work = connection -> rollBackLocked(connection, request, userId);
        return request.dryRun() ? transactions.rehearse(context, work) : transactions.write(context, work);
    }

    private UserResult rollBackLocked(Connection connection, RollbackRequest request, long userId) throws SQLException {
        var locked = rows.lock(connection, userId);
        UserRows.Current current = locked.orElseGet(() -> new UserRows.Current(0, NullNode.instance, null));
        List<UndoPlan.Step> steps = store.undoWindow(connection, userId, request);
        if (locked.isEmpty() && !steps.isEmpty()) {
            current = new UserRows.Current(steps.get(0).version(), NullNode.instance, null);
        }
        UndoPlan.Outcome outcome = UndoPlan.apply(current.state(), steps);
        UserRows.Written written = rows.write(connection, userId, current, States.checked(userId, outcome.after()));
        List<RollbackReport.Conflict> conflicts = outcome.conflicts().stream()
                .map(c -> new RollbackReport.Conflict(userId, c.path().toString(), c.changedIn().last()))
                .toList();
        return new UserResult(written.version() != current.version(), outcome.undone(), conflicts);
    }
}
