package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.db.Transactions;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import dev.custodian.patch.JsonDiff;
import dev.custodian.patch.PatchException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Revert one user: make a past version current again, or undo one change. Each is one short
 * transaction that locks the user's row, computes the new state from history and writes it,
 * recorded by the database as op {@code revert}. A dry run does the same in a transaction that
 * is rolled back. Thread-safe.
 */
final class Reverts {
    private final Transactions transactions;
    private final HistoryStore store;
    private final PastStates past;
    private final UserRows rows;

    Reverts(Transactions transactions, HistoryStore store, PastStates past, UserRows rows) {
        this.transactions = transactions;
        this.store = store;
        this.past = past;
        this.rows = rows;
    }

    /** The user before and after, as representations (null when not live), and their states. */
    record Outcome(long version, String beforeJson, String afterJson, JsonNode before, JsonNode after) {

        boolean live() {
            return afterJson != null;
        }

        /** {@code {"dryRun": true, "before", "after", "changes"}}; changes between the state documents. */
        String dryRunReport() {
            ObjectNode report = Json.MAPPER.createObjectNode();
            report.put("dryRun", true);
            report.set("before", beforeJson == null ? NullNode.instance : Json.parseTrusted(beforeJson));
            report.set("after", afterJson == null ? NullNode.instance : Json.parseTrusted(afterJson));
            report.set("changes", JsonDiff.diff(before, after));
            return Json.write(report);
        }
    }

    Outcome revert(RevertRequest request) {
        Transactions.Work<Outcome> work = connection -> revertLocked(connection, request);
        return request.dryRun()
                ? transactions.rehearse(request.context(), work)
                : transactions.write(request.context(), work);
    }

    private Outcome revertLocked(Connection connection, RevertRequest request) throws SQLException {
        long id = request.userId();
        UserRows.Current current = current(connection, id);
        if (request.ifMatch().isPresent() && request.ifMatch().getAsLong() != current.version()) {
            throw preconditionFailed(id, request.ifMatch().getAsLong(), current.version());
        }
        JsonNode target = request.toVersion().isPresent()
                ? stateAt(connection, id, request.toVersion().getAsLong())
                : undone(connection, id, current, request.undoVersion().getAsLong());
        UserRows.Written written = rows.write(connection, id, current, States.checked(id, target));
        String after = States.live(target) ? written.json() : null;
        return new Outcome(written.version(), current.live() ? current.json() : null, after, current.state(), target);
    }

    /** The user's row, locked; for a user without one (hard-deleted) its last recorded version. */
    private UserRows.Current current(Connection connection, long id) throws SQLException {
        var locked = rows.lock(connection, id);
        if (locked.isPresent()) {
            return locked.get();
        }
        long last = store.lastVersion(connection, id).orElseThrow(() -> ApiException.notFound("user " + id + " does not exist"));
        return new UserRows.Current(last, NullNode.instance, null);
    }

    private JsonNode stateAt(Connection connection, long id, long version) throws SQLException {
        return past.at(connection, id, version)
                .orElseThrow(() -> ApiException.validation("/toVersion", "user " + id + " has no version " + version))
                .state();
    }

    private JsonNode undone(Connection connection, long id, UserRows.Current current, long version) throws SQLException {
        List<UndoPlan.Step> steps = store.undoOne(connection, id, version);
        if (steps.isEmpty() || steps.get(steps.size() - 1).version() != version) {
            throw ApiException.validation("/undoVersion", "user " + id + " has no version " + version);
        }
        UndoPlan.Outcome outcome;
        try {
            outcome = UndoPlan.apply(current.state(), steps);
        } catch (PatchException e) {
            throw new ApiException(ProblemType.REVERT_CONFLICT, "change " + version + " of user " + id
                    + " no longer applies to its current state: " + e.getMessage() + "; nothing was changed");
        }
        if (!outcome.conflicts().isEmpty()) {
            throw conflict(id, version, outcome.conflicts());
        }
        return outcome.after();
    }

    private static ApiException conflict(long id, long version, List<UndoPlan.Conflict> conflicts) {
        ArrayNode listed = Json.MAPPER.createArrayNode();
        for (UndoPlan.Conflict conflict : conflicts) {
            ObjectNode item = listed.addObject().put("path", conflict.path().toString());
            conflict.changedIn().forEach(item.putArray("changedIn")::add);
        }
        String paths = String.join(", ", conflicts.stream().map(c -> c.path().toString()).toList());
        return new ApiException(ProblemType.REVERT_CONFLICT, "cannot undo change " + version + " of user " + id
                + ": later changes touched " + paths + "; nothing was changed. Undo those first, or revert to a version",
                List.of(), Map.of("conflicts", listed));
    }

    private static ApiException preconditionFailed(long id, long expected, long actual) {
        return new ApiException(ProblemType.PRECONDITION_FAILED, "user " + id + " is at version " + actual
                + ", not " + expected + "; read it again and retry with If-Match: \"" + actual + "\"",
                List.of(), Map.of("currentVersion", actual));
    }
}
