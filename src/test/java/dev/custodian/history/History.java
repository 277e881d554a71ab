package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;

/** Users through the API, writes through plain JDBC as a foreign client makes them, and the history rows behind both. */
final class History {
    private History() {
    }

    static HttpResponse ok(HttpResponse response) {
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    /** A connection of a plain JDBC client, outside the service and its pool; autocommit on. */
    static Connection rawConnection(DataSource dataSource) throws SQLException {
        DatabaseUrl url = TestDatabase.urlOf(dataSource);
        Properties properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    /** What an ORM does with a whole-column save: replaces data, declaring the removal the way a guard asks for it. */
    static void replaceDataWithRawSql(Connection connection, long id, String data) throws SQLException {
        connection.setAutoCommit(false);
        try (var declare = connection.createStatement();
             PreparedStatement update = connection.prepareStatement("UPDATE users SET data = ?::jsonb WHERE id = ?")) {
            declare.execute("SET LOCAL custodian.allow_removal = 'on'");
            update.setString(1, data);
            update.setLong(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
            connection.commit();
        } finally {
            connection.setAutoCommit(true);
        }
    }

    static long changeCount(DataSource dataSource, long id) {
        return TestSql.count(dataSource, "SELECT count(*) FROM user_changes WHERE user_id = ?", id);
    }

    /** The state document of the user's row, as history describes it, or null without a row. */
    static JsonNode state(DataSource dataSource, long id) {
        Object text = TestSql.value(dataSource, "SELECT custodian_history_state(u)::text FROM users u WHERE u.id = ?", id);
        return text == null ? null : TestSql.parse(text.toString());
    }

    /** The history entry of one version, as stored. */
    static JsonNode entry(DataSource dataSource, long id, long version) {
        Object text = TestSql.value(dataSource, """
                SELECT json_build_object('actor', actor, 'requestId', request_id, 'source', source, 'op', op,
                                         'changes', changes, 'undo', undo, 'snapshot', snapshot)::text
                  FROM user_changes WHERE user_id = ? AND version = ?""", id, version);
        return text == null ? null : TestSql.parse(text.toString());
    }

    static String currentDatabaseRole(DataSource dataSource) {
        return TestSql.value(dataSource, "SELECT current_user").toString();
    }
}
