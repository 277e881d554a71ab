package dev.custodian.users;

import dev.custodian.db.SqlFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGStatement;

/**
 * The SQL that reads users: one user, or a page of them. Writes go through the write pipeline
 * ({@link dev.custodian.tracked.TrackedWrites}). Thread-safe (stateless).
 */
final class UserStore {
    static final String READ = SqlFile.load(UserStore.class, "read.sql");

    static final String LIST = """
            SELECT u.id, u.version, custodian_user_json(u) AS json
              FROM users u
             WHERE u.id > ? AND u.deleted_at IS NULL
               AND (?::text IS NULL OR lower(u.email) = lower(?::text))
               AND (?::text IS NULL OR u.name ILIKE ?::text ESCAPE '\\')
             ORDER BY u.id
             LIMIT ?
            """;

    Optional<StoredUser> read(Connection connection, long id) throws SQLException {
        return single(connection, READ, statement -> statement.setLong(1, id));
    }

    /**
     * Up to {@code limit} live users with ids above {@code afterId} that match the filter. The
     * name pattern is the form the trigram index of V12__user_name_search.sql answers.
     */
    List<StoredUser> list(Connection connection, long afterId, UserFilter filter, int limit) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LIST)) {
            if (filter.nameContains() != null) {
                // Planned anew with the pattern each time: a plan cached for any pattern cannot
                // tell a rare name (the trigram index) from a common one (id order), nor see that
                // a short one cannot use the index. Planning costs far less than the wrong plan.
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
            statement.setLong(1, afterId);
            statement.setString(2, filter.email());
            statement.setString(3, filter.email());
            statement.setString(4, filter.namePattern());
            statement.setString(5, filter.namePattern());
            statement.setInt(6, limit);
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
