package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.Json;
import dev.custodian.tracked.TrackedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The SQL that reads the history of one tracked table ({@code user_changes} for users,
 * {@code custodian.changes} for an adopted table). A row's entries are never updated but to erase
 * their values (compaction only removes a user's entries before its boundary and puts their sum
 * on the boundary as a snapshot, in one statement), so reads need no locks; the undo plans are
 * read after the caller locked the row, which every new entry of that row needs too. Keys are
 * passed as text. Thread-safe (stateless).
 */
final class HistoryStore {
    /** The members of a history entry as the API shows it, for {@code json_build_object} over a history table {@code c}. */
    static final String ENTRY_MEMBERS = """
            'version', c.version, 'at', custodian_time(c.at), 'actor', c.actor, 'claimedActor', c.claimed_actor,
            'requestId', c.request_id, 'source', c.source, 'op', c.op, 'changes', c.changes, 'undo', c.undo""";
    private final TrackedTable table;
    private final String page;
    private final String known;
    private final String replay;
    private final String versionAt;
    private final String boundary;
    private final String lastVersion;
    private final String undoOne;
    private final String undoWindow;
    private final String keysInWindow;

    /** The history of {@code table}, its statements built once. */
    HistoryStore(TrackedTable table) {
        this.table = table;
        TrackedTable.History history = table.history();
        String changes = history.relation();
        page = """
                SELECT c.version, json_build_object(%s)::text AS json
                  FROM %s c
                 WHERE %s AND c.version < ?
                 ORDER BY c.version DESC
                 LIMIT ?
                """.formatted(ENTRY_MEMBERS, changes, history.match("c"));
        known = """
                SELECT EXISTS (SELECT 1 FROM %s c WHERE %s)
                    OR EXISTS (SELECT 1 FROM %s u WHERE u.%s = ?::%s)
                """.formatted(changes, history.match("c"), table.relation(), table.key(), table.keyType());
        // The row's creation time: its own column where it has one, else its first recorded change.
        String firstRecorded = "(SELECT custodian_time(f.at) FROM %s f WHERE %s ORDER BY f.version LIMIT 1)"
                .formatted(changes, history.match("f", history.key("c")));
        String createdAt = table.created() == null ? firstRecorded
                : "coalesce((SELECT custodian_time(u.%s) FROM %s u WHERE u.%s = %s::%s),\n                            %s)"
                .formatted(table.created(), table.relation(), table.key(), history.key("c"), table.keyType(), firstRecorded);
        // The nearest snapshot at or before the version, then every change after it up to the
        // version: at most 99 rows, however long the history (a snapshot every 100th version).
        replay = """
                SELECT c.version, custodian_time(c.at) AS at,
                       CASE WHEN c.version = base.version THEN c.snapshot::text END AS snapshot,
                       CASE WHEN c.version > base.version THEN c.changes::text END AS changes,
                       %s AS created_at
                  FROM (SELECT s.version FROM %s s
                         WHERE %s AND s.version <= ? AND s.snapshot IS NOT NULL
                         ORDER BY s.version DESC
                         LIMIT 1) AS base
                  JOIN %s c ON %s AND c.version BETWEEN base.version AND ?
                 ORDER BY c.version
                """.formatted(createdAt, changes, history.match("s"), changes, history.match("c"));
        versionAt = """
                SELECT c.version FROM %s c
                 WHERE %s AND c.at <= ?
                 ORDER BY c.version DESC
                 LIMIT 1
                """.formatted(changes, history.match("c"));
        // The boundary compaction left: served by a partial index on the compacted entries.
        boundary = !history.compacted() ? null : """
                SELECT c.version, custodian_time(c.at) AS at FROM %s c
                 WHERE %s AND c.compacted_at IS NOT NULL
                 ORDER BY c.version DESC
                 LIMIT 1
                """.formatted(changes, history.match("c"));
        lastVersion = """
                SELECT max(c.version) AS version FROM %s c WHERE %s
                """.formatted(changes, history.match("c"));
        // Every change from the one to undo on, newest first: its undo operations, and the paths
        // each later change touched (changes and undo name the same paths).
        undoOne = """
                SELECT c.version, c.version = ? AS selected,
                       CASE WHEN c.version = ? THEN c.undo::text END AS undo,
                       jsonb_path_query_array(c.changes, '$[*].path')::text AS paths
                  FROM %s c
                 WHERE %s AND c.version >= ?
                 ORDER BY c.version DESC
                """.formatted(changes, history.match("c"));
        // The same for a rollback: the chosen changes are those of the window matching the filters.
        undoWindow = """
                WITH chosen AS (
                    SELECT c.version FROM %1$s c
                     WHERE %2$s AND c.at >= ? AND c.at < ?
                       AND (?::text IS NULL OR c.actor = ?::text)
                       AND (?::text IS NULL OR c.source = ?::text))
                SELECT c.version, chosen.version IS NOT NULL AS selected,
                       CASE WHEN chosen.version IS NOT NULL THEN c.undo::text END AS undo,
                       jsonb_path_query_array(c.changes, '$[*].path')::text AS paths
                  FROM %1$s c
                  LEFT JOIN chosen ON chosen.version = c.version
                 WHERE %2$s AND c.version >= (SELECT min(version) FROM chosen)
                 ORDER BY c.version DESC
                """.formatted(changes, history.match("c"));
        keysInWindow = """
                SELECT DISTINCT %1$s FROM %2$s c
                 WHERE %3$s AND c.at >= ? AND c.at < ?
                   AND (?::text IS NULL OR c.actor = ?::text)
                   AND (?::text IS NULL OR c.source = ?::text)
                 ORDER BY %1$s
                """.formatted(history.key("c"), changes, history.within("c"));
    }

    TrackedTable table() {
        return table;
    }

    /** One row of a replay: the snapshot it starts from, or a change to apply. */
    record ReplayRow(long version, String at, JsonNode snapshot, JsonNode changes, String createdAt) {
    }

    /** Up to {@code limit} history entries older than {@code beforeVersion}, newest first, as JSON text. */
    List<Entry> page(Connection connection, String key, long beforeVersion, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(page)) {
            statement.setString(1, key);
            statement.setLong(2, beforeVersion);
            statement.setInt(3, limit);
            try (ResultSet rows = statement.executeQuery()) {
                var entries = new ArrayList<Entry>();
                while (rows.next()) {
                    entries.add(new Entry(rows.getLong("version"), rows.getString("json")));
                }
                return entries;
            }
        }
    }

    /** A history entry as the API shows it, rendered by the database. */
    record Entry(long version, String json) {
    }

    /** Whether the row exists or has any history: a key that never named a row has neither. */
    boolean known(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(known)) {
            statement.setString(1, key);
            statement.setString(2, key);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** The snapshot at or before {@code version} and the changes after it, in order; empty when there is none. */
    List<ReplayRow> replay(Connection connection, String key, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(replay)) {
            statement.setString(1, key);
            statement.setLong(2, version);
            statement.setString(3, key);
            statement.setLong(4, version);
            try (ResultSet rows = statement.executeQuery()) {
                var replay = new ArrayList<ReplayRow>();
                while (rows.next()) {
                    replay.add(new ReplayRow(rows.getLong("version"), rows.getString("at"),
                            parseOrNull(rows.getString("snapshot")), parseOrNull(rows.getString("changes")),
                            rows.getString("created_at")));
                }
                return replay;
            }
        }
    }

    /** The row's latest version recorded at or before {@code time}. */
    OptionalLong versionAt(Connection connection, String key, Instant time) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(versionAt)) {
            statement.setString(1, key);
            statement.setObject(2, utc(time));
            return singleLong(statement);
        }
    }

    /** Where the row's history starts after compaction; empty when it was never compacted. */
    Optional<HistoryBoundary> boundary(Connection connection, String key) throws SQLException {
        if (boundary == null) {
            return Optional.empty();
        }
        try (PreparedStatement statement = connection.prepareStatement(boundary)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next()
                        ? Optional.of(new HistoryBoundary(rows.getLong("version"), rows.getString("at")))
                        : Optional.empty();
            }
        }
    }

    OptionalLong lastVersion(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(lastVersion)) {
            statement.setString(1, key);
            return singleLong(statement);
        }
    }

    /** The steps to undo change {@code version} alone: it and every later change, newest first. */
    List<UndoPlan.Step> undoOne(Connection connection, String key, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(undoOne)) {
            statement.setLong(1, version);
            statement.setLong(2, version);
            statement.setString(3, key);
            statement.setLong(4, version);
            return steps(statement);
        }
    }

    /** The steps to undo the changes of a window: from the oldest chosen change on, newest first. */
    List<UndoPlan.Step> undoWindow(Connection connection, String key, RollbackRequest window) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(undoWindow)) {
            statement.setString(1, key);
            bindWindow(statement, 2, window);
            statement.setString(8, key);
            return steps(statement);
        }
    }

    /** The keys of the rows with changes in the window that match its filters, in key order. */
    List<String> keysChangedIn(Connection connection, RollbackRequest window) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(keysInWindow)) {
            bindWindow(statement, 1, window);
            try (ResultSet rows = statement.executeQuery()) {
                var keys = new ArrayList<String>();
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
                return keys;
            }
        }
    }

    private static void bindWindow(PreparedStatement statement, int first, RollbackRequest window) throws SQLException {
        statement.setObject(first, utc(window.from()));
        statement.setObject(first + 1, utc(window.to()));
        statement.setString(first + 2, window.actor());
        statement.setString(first + 3, window.actor());
        statement.setString(first + 4, window.source());
        statement.setString(first + 5, window.source());
    }

    private static List<UndoPlan.Step> steps(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            var steps = new ArrayList<UndoPlan.Step>();
            while (rows.next()) {
                steps.add(UndoPlan.Step.of(rows.getLong("version"), rows.getBoolean("selected"),
                        parseOrNull(rows.getString("undo")), Json.parseTrusted(rows.getString("paths"))));
            }
            return steps;
        }
    }

    private static OptionalLong singleLong(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            if (rows.next()) {
                long value = rows.getLong(1);
                return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
            }
            return OptionalLong.empty();
        }
    }

    /** PgJDBC sends an OffsetDateTime as timestamptz, so the instant arrives unchanged; null stays null. */
    static OffsetDateTime utc(Instant time) {
        return time == null ? null : OffsetDateTime.ofInstant(time, ZoneOffset.UTC);
    }

    private static JsonNode parseOrNull(String text) {
        return text == null ? null : Json.parseTrusted(text);
    }
}
