package dev.custodian.users;

import dev.custodian.db.SqlFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The SQL of the user resource. Every method runs on a connection it is given, inside the
 * caller's transaction; none reads then writes without the row lock. Thread-safe (stateless).
 */
final class UserStore {
    static final String MERGE_PATCH = SqlFile.load(UserStore.class, "merge-patch.sql");
    static final String READ = SqlFile.load(UserStore.class, "read.sql");

    private static final String INSERT = """
            INSERT INTO users (name, email, data)
            VALUES (?, ?, ?::jsonb)
            RETURNING users.id, users.version, custodian_user_json(users) AS json
            """;
    private static final String LOCK = """
            SELECT u.id, u.version, custodian_user_json(u) AS json
              FROM users u
             WHERE u.id = ? AND u.deleted_at IS NULL
               FOR NO KEY UPDATE
            """;
    private static final String UPDATE = """
            UPDATE users
               SET name = ?, email = ?, data = ?::jsonb
              FROM (SELECT set_config('custodian.allow_removal', ?, true)) AS intent
             WHERE id = ?
            RETURNING users.id, users.version, custodian_user_json(users) AS json
            """;
    private static final String SOFT_DELETE = """
            UPDATE users SET deleted_at = now()
             WHERE id = ? AND deleted_at IS NULL
            RETURNING users.id, users.version, custodian_user_json(users) AS json
            """;
    private static final String STATE = """
            SELECT version, deleted_at IS NOT NULL AS deleted FROM users WHERE id = ?
            """;
    private static final String LIST = """
            SELECT u.id, u.version, custodian_user_json(u) AS json
              FROM users u
             WHERE u.id > ? AND u.deleted_at IS NULL
               AND (?::text IS NULL OR lower(u.email) = lower(?::text))
             ORDER BY u.id
             LIMIT ?
            """;

    /** Whether a user row exists and is live, and its version: tells 404 from 412 after a miss. */
    record RowState(long version, boolean deleted) {
    }

    Optional<StoredUser> read(Connection connection, long id) throws SQLException {
        return single(connection, READ, statement -> statement.setLong(1, id));
    }

    Optional<StoredUser> lock(Connection connection, long id) throws SQLException {
        return single(connection, LOCK, statement -> statement.setLong(1, id));
    }

    StoredUser insert(Connection connection, UserDocument document) throws SQLException {
        return single(connection, INSERT, statement -> {
            statement.setString(1, document.name());
            statement.setString(2, document.email());
            statement.setString(3, document.dataText());
        }).orElseThrow();
    }

    /** Writes a new state of a locked user; {@code allowRemoval} declares that the write removes data. */
    StoredUser update(Connection connection, long id, UserDocument document, boolean allowRemoval) throws SQLException {
        return single(connection, UPDATE, statement -> {
            statement.setString(1, document.name());
            statement.setString(2, document.email());
            statement.setString(3, document.dataText());
            statement.setString(4, allowRemoval ? "on" : "off");
            statement.setLong(5, id);
        }).orElseThrow();
    }

    /** The one-statement merge; empty when the user is missing, deleted, or not at {@code ifMatch}. */
    Optional<StoredUser> mergePatch(Connection connection, long id, MergeRequest merge, String actor,
                                    String requestId, OptionalLong ifMatch) throws SQLException {
        return single(connection, MERGE_PATCH, statement -> {
            statement.setString(1, merge.name());
            statement.setString(2, merge.email());
            statement.setString(3, merge.dataPatch());
            statement.setString(4, actor);
            statement.setString(5, requestId);
            statement.setString(6, ifMatch.isPresent() ? "on" : "off");
            statement.setLong(7, id);
            if (ifMatch.isPresent()) {
                statement.setLong(8, ifMatch.getAsLong());
                statement.setLong(9, ifMatch.getAsLong());
            } else {
                statement.setNull(8, Types.BIGINT);
                statement.setNull(9, Types.BIGINT);
            }
        });
    }

    Optional<StoredUser> softDelete(Connection connection, long id) throws SQLException {
        return single(connection, SOFT_DELETE, statement -> statement.setLong(1, id));
    }

    Optional<RowState> state(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(STATE)) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next()
                        ? Optional.of(new RowState(rows.getLong("version"), rows.getBoolean("deleted")))
                        : Optional.empty();
            }
        }
    }

    /** Up to {@code limit} live users with ids above {@code afterId}, optionally with one email. */
    List<StoredUser> list(Connection connection, long afterId, String email, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LIST)) {
            statement.setLong(1, afterId);
            statement.setString(2, email);
            statement.setString(3, email);
            statement.setInt(4, limit);
            try (ResultSet rows = statement.executeQuery()) {
                var users = new ArrayList<StoredUser>();
                while (rows.next()) {
                    users.add(map(rows));
                }
                return users;
            }
        }
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private static Optional<StoredUser> single(Connection connection, String sql, Binder binder) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            binder.bind(statement);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    private static StoredUser map(ResultSet rows) throws SQLException {
        return new StoredUser(rows.getLong("id"), rows.getLong("version"), rows.getString("json"));
    }
}
