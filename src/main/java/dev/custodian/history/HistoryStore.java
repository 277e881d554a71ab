package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.Json;
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
 * The SQL that reads {@code user_changes}. History rows are never updated (compaction only
 * removes a user's entries before its boundary and puts their sum on the boundary as a
 * snapshot, in one statement), so reads need no locks; the undo plans are read after the caller
 * locked the user's row, which every new entry of that user needs too. Thread-safe (stateless).
 */
final class HistoryStore {
    /** The members of a history entry as the API shows it, for {@code json_build_object} over {@code user_changes c}. */
    static final String ENTRY_MEMBERS = """
            'version', c.version, 'at', custodian_time(c.at), 'actor', c.actor, 'claimedActor', c.claimed_actor,
            'requestId', c.request_id, 'source', c.source, 'op', c.op, 'changes', c.changes, 'undo', c.undo""";
    private static final String PAGE = """
            SELECT c.version, json_build_object(%s)::text AS json
              FROM user_changes c
             WHERE c.user_id = ? AND c.version < ?
             ORDER BY c.version DESC
             LIMIT ?
            """.formatted(ENTRY_MEMBERS);
    private static final String KNOWN = """
            SELECT EXISTS (SELECT 1 FROM user_changes c WHERE c.user_id = ?)
                OR EXISTS (SELECT 1 FROM users u WHERE u.id = ?)
            """;
    // The nearest snapshot at or before the version, then every change after it up to the
    // version: at most 99 rows, however long the history (a snapshot every 100th version).
    private static final String REPLAY = """
            SELECT c.version, custodian_time(c.at) AS at,
                   CASE WHEN c.version = base.version THEN c.snapshot::text END AS snapshot,
                   CASE WHEN c.version > base.version THEN c.changes::text END AS changes,
                   coalesce((SELECT custodian_time(u.created_at) FROM users u WHERE u.id = c.user_id),
                            (SELECT custodian_time(f.at) FROM user_changes f
                              WHERE f.user_id = c.user_id ORDER BY f.version LIMIT 1)) AS created_at
              FROM (SELECT s.version FROM user_changes s
                     WHERE s.user_id = ? AND s.version <= ? AND s.snapshot IS NOT NULL
                     ORDER BY s.version DESC
                     LIMIT 1) AS base
              JOIN user_changes c ON c.user_id = ? AND c.version BETWEEN base.version AND ?
             ORDER BY c.version
            """;
    private static final String VERSION_AT = """
            SELECT c.version FROM user_changes c
             WHERE c.user_id = ? AND c.at <= ?
             ORDER BY c.version DESC
             LIMIT 1
            """;
    // The boundary compaction left: served by a partial index on the compacted entries.
    private static final String BOUNDARY = """
            SELECT c.version, custodian_time(c.at) AS at FROM user_changes c
             WHERE c.user_id = ? AND c.compacted_at IS NOT NULL
             ORDER BY c.version DESC
             LIMIT 1
            """;
    private static final String LAST_VERSION = """
            SELECT max(c.version) AS version FROM user_changes c WHERE c.user_id = ?
            """;
    // Every change from the one to undo on, newest first: its undo operations, and the paths
    // each later change touched (changes and undo name the same paths).
    private static final String UNDO_ONE = """
            SELECT c.version, c.version = ? AS selected,
                   CASE WHEN c.version = ? THEN c.undo::text END AS undo,
                   jsonb_path_query_array(c.changes, '$[*].path')::text AS paths
              FROM user_changes c
             WHERE c.user_id = ? AND c.version >= ?
             ORDER BY c.version DESC
            """;
    // The same for a rollback: the chosen changes are those of the window matching the filters.
    private static final String UNDO_WINDOW = """
            WITH chosen AS (
                SELECT c.version FROM user_changes c
                 WHERE c.user_id = ? AND c.at >= ? AND c.at < ?
                   AND (?::text IS NULL OR c.actor = ?::text)
                   AND (?::text IS NULL OR c.source = ?::text))
            SELECT c.version, chosen.version IS NOT NULL AS selected,
                   CASE WHEN chosen.version IS NOT NULL THEN c.undo::text END AS undo,
                   jsonb_path_query_array(c.changes, '$[*].path')::text AS paths
              FROM user_changes c
              LEFT JOIN chosen ON chosen.version = c.version
             WHERE c.user_id = ? AND c.version >= (SELECT min(version) FROM chosen)
             ORDER BY c.version DESC
            """;
    private static final String USERS_IN_WINDOW = """
            SELECT DISTINCT c.user_id FROM user_changes c
             WHERE c.at >= ? AND c.at < ?
               AND (?::text IS NULL OR c.actor = ?::text)
               AND (?::text IS NULL OR c.source = ?::text)
             ORDER BY c.user_id
            """;

    /** One row of a replay: the snapshot it starts from, or a change to apply. */
    record ReplayRow(long version, String at, JsonNode snapshot, JsonNode changes, String createdAt) {
    }

    /** Up to {@code limit} history entries older than {@code beforeVersion}, newest first, as JSON text. */
    List<Entry> page(Connection connection, long userId, long beforeVersion, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(PAGE)) {
            statement.setLong(1, userId);
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

    /** Whether the user has a row or any history: a user id that never existed has neither. */
    boolean known(Connection connection, long userId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(KNOWN)) {
            statement.setLong(1, userId);
            statement.setLong(2, userId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    /** The snapshot at or before {@code version} and the changes after it, in order; empty when there is none. */
    List<ReplayRow> replay(Connection connection, long userId, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(REPLAY)) {
            statement.setLong(1, userId);
            statement.setLong(2, version);
            statement.setLong(3, userId);
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

    /** The user's latest version recorded at or before {@code time}. */
    OptionalLong versionAt(Connection connection, long userId, Instant time) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(VERSION_AT)) {
            statement.setLong(1, userId);
            statement.setObject(2, utc(time));
            return singleLong(statement);
        }
    }

    /** Where the user's history starts after compaction; empty when it was never compacted. */
    Optional<HistoryBoundary> boundary(Connection connection, long userId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(BOUNDARY)) {
            statement.setLong(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next()
                        ? Optional.of(new HistoryBoundary(rows.getLong("version"), rows.getString("at")))
                        : Optional.empty();
            }
        }
    }

    OptionalLong lastVersion(Connection connection, long userId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LAST_VERSION)) {
            statement.setLong(1, userId);
            return singleLong(statement);
        }
    }

    /** The steps to undo change {@code version} alone: it and every later change, newest first. */
    List<UndoPlan.Step> undoOne(Connection connection, long userId, long version) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UNDO_ONE)) {
            statement.setLong(1, version);
            statement.setLong(2, version);
            statement.setLong(3, userId);
            statement.setLong(4, version);
            return steps(statement);
        }
    }

    /** The steps to undo the changes of a window: from the oldest chosen change on, newest first. */
    List<UndoPlan.Step> undoWindow(Connection connection, long userId, RollbackRequest window) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UNDO_WINDOW)) {
            statement.setLong(1, userId);
            bindWindow(statement, 2, window);
            statement.setLong(8, userId);
            return steps(statement);
        }
    }

    /** The ids of the users with changes in the window that match its filters, in order. */
    List<Long> usersChangedIn(Connection connection, RollbackRequest window) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(USERS_IN_WINDOW)) {
            bindWindow(statement, 1, window);
            try (ResultSet rows = statement.executeQuery()) {
                var ids = new ArrayList<Long>();
                while (rows.next()) {
                    ids.add(rows.getLong(1));
                }
                return ids;
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
