package dev.custodian.jobs;

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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;

/** Users a bad deploy damaged with raw SQL, and the rollbacks, restores and jobs that repair them. */
final class Incident {
    private static final String ORIGINAL = "jsonb_build_object('phone', '+1415555' || lpad(n::text, 4, '0'), 'country', 'US')";

    private Incident() {
    }

    /** Users made by raw SQL, whose data a raw UPDATE later replaces, as a bad deploy would. */
    record Batch(DataSource database, String tag) {
        static Batch create(DataSource database, int count) {
            Batch batch = new Batch(database, UUID.randomUUID().toString().substring(0, 8));
            TestSql.execute(database, "INSERT INTO users (name, email, data) SELECT 'User ' || n, 'job-' || n || '-' || ?"
                    + " || '@example.com', " + ORIGINAL + " FROM generate_series(1, ?) n", batch.tag, count);
            return batch;
        }

        void damage() throws SQLException {
            try (Connection connection = raw(database)) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL custodian.allow_rows = '100000'");
                    statement.execute("SET LOCAL custodian.allow_removal = 'on'");
                    statement.execute("UPDATE users SET data = '{\"phone\": \"+14155550000\"}' WHERE " + mine());
                }
                connection.commit();
            }
        }

        /** How many of the batch's users hold their original data again. */
        long original() {
            return TestSql.count(database, "SELECT count(*) FROM users u CROSS JOIN LATERAL (SELECT"
                    + " split_part(split_part(u.email, '@', 1), '-', 2)::int AS n) s WHERE " + mine() + " AND u.data = "
                    + ORIGINAL + " AND u.deleted_at IS NULL");
        }

        /** Holds the row lock of the batch's first user in an open transaction, so a rollback waits there. */
        Connection lockFirstUser() throws SQLException {
            Connection connection = raw(database);
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id FROM users WHERE email = ? FOR UPDATE")) {
                statement.setString(1, "job-1-" + tag + "@example.com");
                statement.executeQuery().close();
            }
            return connection;
        }

        private String mine() {
            return "email LIKE 'job-%-" + tag + "@example.com'";
        }
    }

    /** A connection of a plain JDBC client, outside the service and its pool. */
    static Connection raw(DataSource database) throws SQLException {
        DatabaseUrl url = TestDatabase.urlOf(database);
        Properties properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    static HttpResponse rollBack(TestServer server, String body, String prefer) {
        var request = server.request("POST", "/admin/rollback").token(server.adminToken).json(body);
        if (prefer != null) {
            request.header("Prefer", prefer);
        }
        return request.send();
    }

    /** The body of a rollback of the raw SQL writes of {@code [from, to)}. */
    static String window(Instant from, Instant to) {
        return "{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"source\": \"sql\"}";
    }

    /** The job at {@code location} once it is no longer running. */
    static JsonNode finished(TestServer server, String location) {
        JsonNode[] job = new JsonNode[1];
        waitFor(() -> {
            HttpResponse response = server.request("GET", location).token(server.adminToken).send();
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            job[0] = response.json();
            return !job[0].get("status").asText().equals("running");
        });
        assertThat(job[0].get("finishedAt").isTextual()).isTrue();
        return job[0];
    }

    /** History entries of one op written under one request id. */
    static long recorded(DataSource database, String op, String requestId) {
        return TestSql.count(database, "SELECT count(*) FROM user_changes WHERE op = ? AND request_id = ?", op, requestId);
    }

    static Instant databaseNow(DataSource database) {
        return Instant.parse(TestSql.value(database, "SELECT custodian_time(clock_timestamp())").toString());
    }

    static void waitFor(BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited two minutes").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
