package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.ApiException;
import dev.custodian.http.Json;
import dev.custodian.http.ProblemType;
import dev.custodian.patch.PatchException;
import dev.custodian.tracked.Row;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.Written;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * Revert one row of a tracked table: make a past version current again, or undo one change. The
 * write pipeline locks the row (live, deleted or gone), this computes the state from history,
 * and the pipeline writes it, recorded by the database as op {@code revert}. Thread-safe.
 */
final class Reverts {
    private final TrackedWrites writes;
    private final HistoryStore store;
    private final PastStates past;

    Reverts(TrackedWrites writes, HistoryStore store, PastStates past) {
        this.writes = writes;
        this.store = store;
        this.past = past;
    }

    Written revert(RevertRequest request) {
        String key = request.key();
        return writes.restoreState(request.write(), key, (current, connection) -> {
            JsonNode target = request.toVersion().isPresent()
                    ? stateAt(connection, key, request.toVersion().getAsLong())
                    : undone(connection, key, current, request.undoVersion().getAsLong());
            return States.checked(store.table(), key, target);
        });
    }

    private JsonNode stateAt(Connection connection, String key, long version) throws SQLException {
        return past.kept(connection, key, version)
                .orElseThrow(() -> ApiException.validation("/toVersion", row(key) + " has no version " + version))
                .state();
    }

    private JsonNode undone(Connection connection, String key, Row current, long version) throws SQLException {
        List<UndoPlan.Step> steps = store.undoOne(connection, key, version);
        if (steps.isEmpty() || steps.get(steps.size() - 1).version() != version) {
            past.refuseIfCompacted(connection, key, version);
            throw ApiException.validation("/undoVersion", row(key) + " has no version " + version);
        }
        UndoPlan.Outcome outcome;
        try {
            outcome = UndoPlan.apply(current.state(), steps);
        } catch (PatchException e) {
            throw new ApiException(ProblemType.REVERT_CONFLICT, "change " + version + " of " + row(key)
                    + " no longer applies to its current state: " + e.getMessage() + "; nothing was changed");
        }
        if (!outcome.conflicts().isEmpty()) {
            throw conflict(key, version, outcome.conflicts());
        }
        return outcome.after();
    }

    /** The row as messages name it: "user 7", "Accounts row 7". */
    private String row(String key) {
        return store.table().noun() + " " + key;
    }

    private ApiException conflict(String key, long version, List<UndoPlan.Conflict> conflicts) {
        ArrayNode listed = Json.MAPPER.createArrayNode();
        for (UndoPlan.Conflict conflict : conflicts) {
            ObjectNode item = listed.addObject().put("path", conflict.path().toString());
            conflict.changedIn().forEach(item.putArray("changedIn")::add);
        }
        String paths = String.join(", ", conflicts.stream().map(c -> c.path().toString()).toList());
        return new ApiException(ProblemType.REVERT_CONFLICT, "cannot undo change " + version + " of " + row(key)
                + ": later changes touched " + paths + "; nothing was changed. Undo those first, or revert to a version",
                List.of(), Map.of("conflicts", listed));
    }
}
