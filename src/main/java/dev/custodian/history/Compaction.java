package dev.custodian.history;

import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.http.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts history older than a cutoff. For each user with more than one entry recorded at or
 * before the cutoff, the last of them becomes the boundary: the user's state at that version is
 * stored on it as a snapshot, and every entry before it is removed ({@code
 * custodian_history_compact}, the one path by which history entries are removed). The boundary
 * is the version in effect at the cutoff, so every version made after the cutoff, and the state
 * at any time after it, can still be rebuilt.
 *
 * <p>Users are compacted in batches, each one short statement that removes only old entries of
 * those users: it takes no lock on {@code users} and none that a write needs (writes only add
 * entries with higher versions), so writes go on meanwhile. Thread-safe (stateless).
 */
final class Compaction {
    private static final Logger log = LoggerFactory.getLogger(Compaction.class);
    static final int USERS_PER_BATCH = 100;
    private static final String NO_TIMEOUT = "SET LOCAL statement_timeout = 0";
    // Every user with history to compact and its boundary; after a compaction a user has at most
    // one entry at or before any earlier cutoff, so later runs read little. An erased user's
    // entries hold no values to rebuild a boundary's state from, and are kept as the erasure left
    // them: the audit trail that it happened.
    private static final String CANDIDATES = """
            SELECT c.user_id, max(c.version) AS boundary
              FROM user_changes c
             WHERE c.at <= ?
               AND NOT custodian_erased('users', c.user_id::text)
             GROUP BY c.user_id
            HAVING count(*) > 1
             ORDER BY c.user_id
            """;
    private static final String COMPACT = """
            SELECT coalesce(sum(custodian_history_compact(t.user_id, t.boundary, t.state::jsonb)), 0)
              FROM unnest(?::bigint[], ?::bigint[], ?::text[]) AS t(user_id, boundary, state)
            """;
    private static final WriteContext CONTEXT = WriteContext.of("custodian:compaction", null);

    private final Transactions transactions;
    private final PastStates past;

    Compaction(Transactions transactions, PastStates past) {
        this.transactions = transactions;
        this.past = past;
    }

    /** What one run did. */
    record Report(long users, long entriesRemoved) {
    }

    private record Candidate(long userId, long boundary) {
    }

    Report compactBefore(Instant cutoff) {
        List<Candidate> candidates = transactions.snapshot(connection -> candidates(connection, cutoff));
        long users = 0;
        long removed = 0;
        for (int from = 0; from < candidates.size(); from += USERS_PER_BATCH) {
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            List<Candidate> batch = candidates.subList(from, Math.min(candidates.size(), from + USERS_PER_BATCH));
            Report done = transactions.write(CONTEXT, connection -> compact(connection, batch));
            users += done.users();
            removed += done.entriesRemoved();
        }
        return new Report(users, removed);
    }

    private static List<Candidate> candidates(Connection connection, Instant cutoff) throws SQLException {
        liftTimeout(connection);
        try (PreparedStatement statement = connection.prepareStatement(CANDIDATES)) {
            statement.setObject(1, HistoryStore.utc(cutoff));
            try (ResultSet rows = statement.executeQuery()) {
                var found = new ArrayList<Candidate>();
                while (rows.next()) {
                    found.add(new Candidate(rows.getLong("user_id"), rows.getLong("boundary")));
                }
                return found;
            }
        }
    }

    private Report compact(Connection connection, List<Candidate> batch) throws SQLException {
        liftTimeout(connection);
        var ids = new ArrayList<Long>();
        var boundaries = new ArrayList<Long>();
        var states = new ArrayList<String>();
        for (Candidate candidate : batch) {
            Optional<PastStates.PastState> state = past.at(connection, Long.toString(candidate.userId()), candidate.boundary());
            if (state.isEmpty()) {
                // A gap in this user's history (entries removed by hand): nothing to rebuild the boundary from.
                log.warn("history of user {} cannot be rebuilt at version {}; not compacted",
                        candidate.userId(), candidate.boundary());
                continue;
            }
            ids.add(candidate.userId());
            boundaries.add(candidate.boundary());
            states.add(Json.write(state.get().state()));
        }
        try (PreparedStatement statement = connection.prepareStatement(COMPACT)) {
            statement.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
            statement.setArray(2, connection.createArrayOf("bigint", boundaries.toArray()));
            statement.setArray(3, connection.createArrayOf("text", states.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Report(ids.size(), rows.getLong(1));
            }
        }
    }

    /** Compaction legitimately runs longer than the statement timeout that bounds requests; only for this transaction. */
    private static void liftTimeout(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(NO_TIMEOUT);
        }
    }
}
