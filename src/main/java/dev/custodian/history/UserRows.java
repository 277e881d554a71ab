package dev.custodian.history;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.http.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The SQL that makes a state from history current again: locks a user's row, then updates it,
 * inserts it again (a hard-deleted user coming back, under its old id) or deletes it. The
 * triggers record each write with the op the transaction declared. Thread-safe (stateless).
 */
final class UserRows {
    private static final String LOCK = """
            SELECT u.version, custodian_user_json(u) AS json, custodian_history_state(u)::text AS state
              FROM users u
             WHERE u.id = ?
               FOR NO KEY UPDATE
            """;
    // deleted_at keeps its time when the user stays deleted, so only a real change is recorded.
    private static final String UPDATE = """
            UPDATE users
               SET name = ?, email = ?, data = ?::jsonb,
                   deleted_at = CASE WHEN ? THEN coalesce(deleted_at, now()) END
             WHERE id = ?
            RETURNING users.version, custodian_user_json(users) AS json
            """;
    // The user's first recorded time is its creation time; the version trigger continues the
    // version numbering of the id's history.
    private static final String INSERT = """
            INSERT INTO users (id, name, email, data, created_at, deleted_at)
            SELECT ?, ?, ?, ?::jsonb,
                   coalesce((SELECT f.at FROM user_changes f WHERE f.user_id = ? ORDER BY f.version LIMIT 1), now()),
                   CASE WHEN ? THEN now() END
            RETURNING users.version, custodian_user_json(users) AS json
            """;
    private static final String DELETE = """
            DELETE FROM users WHERE id = ?
            RETURNING users.version + 1 AS version
            """;

    /**
     * The user as it is now: its state document (a JSON null when it has no row), its version,
     * and its API representation when it has a row.
     */
    record Current(long version, JsonNode state, String json) {
        boolean exists() {
            return !state.isNull();
        }

        boolean live() {
            return exists() && !state.path("deleted").asBoolean();
        }
    }

    /** The result of a write: the new version, and the representation when a row remains. */
    record Written(long version, String json) {
    }

    /** Locks the user's row, deleted or not; empty when there is no row. */
    Optional<Current> lock(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LOCK)) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Current(rows.getLong("version"), Json.parseTrusted(rows.getString("state")),
                        rows.getString("json")));
            }
        }
    }

    /** Makes {@code target} (a state document, or JSON null for no row) the user's state. */
    Written write(Connection connection, long id, Current current, JsonNode target) throws SQLException {
        if (target.isNull()) {
            return current.exists() ? delete(connection, id) : new Written(current.version(), null);
        }
        return current.exists() ? update(connection, id, target) : insert(connection, id, target);
    }

    private Written update(Connection connection, long id, JsonNode state) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(UPDATE)) {
            statement.setString(1, state.path("name").asText());
            statement.setString(2, state.path("email").asText());
            statement.setString(3, Json.write(state.path("data")));
            statement.setBoolean(4, state.path("deleted").asBoolean());
            statement.setLong(5, id);
            return written(statement);
        }
    }

    private Written insert(Connection connection, long id, JsonNode state) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(INSERT)) {
            statement.setLong(1, id);
            statement.setString(2, state.path("name").asText());
            statement.setString(3, state.path("email").asText());
            statement.setString(4, Json.write(state.path("data")));
            statement.setLong(5, id);
            statement.setBoolean(6, state.path("deleted").asBoolean());
            return written(statement);
        }
    }

    private Written delete(Connection connection, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DELETE)) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new Written(rows.getLong("version"), null);
            }
        }
    }

    private static Written written(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            rows.next();
            return new Written(rows.getLong("version"), rows.getString("json"));
        }
    }
}
