package dev.custodian.users;

import dev.custodian.db.SqlFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SQL that reads users: one user, or a page of them. Writes go through the write pipeline
 * ({@link dev.custodian.tracked.TrackedWrites}). Thread-safe (stateless).
 */
final class UserStore {
    static final String READ = SqlFile.load(UserStore.class, "read.sql");

    private static final String LIST = """
            SELECT u.id, u.version, custodian_user_json(u) AS json
              FROM users u
             WHERE u.id > ? AND u.deleted_at IS NULL
               AND (?::text IS NULL OR lower(u.email) = lower(?::text))
             ORDER BY u.id
             LIMIT ?
            """;

    Optional<StoredUser> read(Connection connection, long id) throws SQLException {
        return single(connection, READ, statement -> statement.setLong(1, id));
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
