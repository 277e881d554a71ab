package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.patch.JsonPatch;
import dev.custodian.tracked.ErasureRegister;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Rebuilds a row's state at any recorded version: the nearest snapshot at or before it, then
 * at most 99 recorded changes forward, so the cost does not grow with the length of the
 * history. Thread-safe (stateless).
 */
final class PastStates {
    private final HistoryStore store;
    private final ErasureRegister erasures;

    PastStates(HistoryStore store) {
        this.store = store;
        this.erasures = new ErasureRegister(store.table());
    }

    /** A past version: its state (JSON null when the row did not exist), when it was made, and the row's creation time. */
    record PastState(long version, JsonNode state, String at, String createdAt) {
    }

    /**
     * The state at {@code version}; empty when the row has no such version in its history.
     * Throws {@link dev.custodian.tracked.RowErasedException} for an erased row, whose history
     * holds no values to rebuild.
     */
    Optional<PastState> at(Connection connection, String key, long version) throws SQLException {
        erasures.refuseIfErased(connection, key);
        List<HistoryStore.ReplayRow> rows = store.replay(connection, key, version);
        if (rows.isEmpty() || rows.get(rows.size() - 1).version() != version) {
            return Optional.empty();
        }
        JsonNode state = rows.get(0).snapshot();
        for (HistoryStore.ReplayRow row : rows.subList(1, rows.size())) {
            state = JsonPatch.parse(row.changes()).apply(state);
        }
        HistoryStore.ReplayRow last = rows.get(rows.size() - 1);
        return Optional.of(new PastState(version, state, last.at(), last.createdAt()));
    }

    /** Like {@link #at}, but a version compaction removed is 410 Gone naming the boundary. */
    Optional<PastState> kept(Connection connection, String key, long version) throws SQLException {
        Optional<PastState> state = at(connection, key, version);
        if (state.isEmpty()) {
            refuseIfCompacted(connection, key, version);
        }
        return state;
    }

    /** 410 Gone when {@code version} lies before the row's compaction boundary. */
    void refuseIfCompacted(Connection connection, String key, long version) throws SQLException {
        Optional<HistoryBoundary> boundary = store.boundary(connection, key);
        if (boundary.isPresent() && boundary.get().after(version)) {
            throw boundary.get().gone(store.table(), key, "version " + version);
        }
    }

    /** 410 Gone when {@code time} lies before the row's compaction boundary. */
    void refuseIfCompacted(Connection connection, String key, Instant time, String asked) throws SQLException {
        Optional<HistoryBoundary> boundary = store.boundary(connection, key);
        if (boundary.isPresent() && boundary.get().after(time)) {
            throw boundary.get().gone(store.table(), key, "its state at " + asked);
        }
    }
}
