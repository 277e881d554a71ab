package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.insertUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The cost of a write grows with the change, not worse than the document: a merge patch that
 * creates 100,000 top-level keys (about 2 MB), then one-key changes of that user, each through
 * every trigger. Before the write trigger and its functions were made linear, 10,000 keys took
 * 35 s through the service and 100,000 did not finish in 100 s; a one-key change of a
 * 20,000-key user took 5 s.
 *
 * The bounds are generous: measured on a busy 2-core machine, the 100,000-key patch took 4.5 s,
 * the one-key merge 0.15 s and the one-key raw UPDATE, which declares nothing and so is judged
 * and diffed over the whole document, 0.8 s; each bound is several times that.
 */
class LinearCostTest {
    private static final int KEYS = 100_000;

    private final DataSource db = TestDatabase.shared();

    @Test
    void aHundredThousandKeysAndThenOneKeyCostTimeInProportion() throws SQLException {
        long id = insertUser(db, "Wide", "{\"address\": {\"city\": \"Oslo\"}, \"tags\": [\"a\", \"b\"]}");
        String patch = TestSql.value(db, """
                SELECT jsonb_object_agg('k' || lpad(i::text, 6, '0'), 'value ' || i)::text
                  FROM generate_series(1, ?) AS i""", KEYS).toString();

        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> merge(id, patch));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> merge(id, "{\"k050000\": \"changed\"}"));
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> autocommit(db, "UPDATE users SET data = data || '{\"k060000\": \"raw\"}' WHERE id = ?", id));

        assertThat(TestSql.count(db, "SELECT count(*) FROM users u, jsonb_object_keys(u.data) WHERE u.id = ?", id))
                .isEqualTo(KEYS + 2);
        assertThat(TestSql.count(db, "SELECT jsonb_array_length(changes) FROM user_changes WHERE user_id = ? AND version = 2", id))
                .isEqualTo(KEYS);
        assertThat(TestSql.value(db, "SELECT changes::text || ' ' || undo::text FROM user_changes WHERE user_id = ? AND version = 3", id))
                .isEqualTo("[{\"op\": \"replace\", \"path\": \"/data/k050000\", \"value\": \"changed\"}]"
                        + " [{\"op\": \"replace\", \"path\": \"/data/k050000\", \"value\": \"value 50000\"}]");
        assertThat(TestSql.value(db, "SELECT changes::text FROM user_changes WHERE user_id = ? AND version = 4", id))
                .isEqualTo("[{\"op\": \"replace\", \"path\": \"/data/k060000\", \"value\": \"raw\"}]");
    }

    /** The service's one-statement merge of a data patch into user id, bound as the service binds it. */
    private void merge(long id, String dataPatch) throws SQLException {
        try (Connection connection = db.getConnection();
             PreparedStatement statement = connection.prepareStatement(mergeStatement())) {
            statement.setNull(1, Types.VARCHAR);
            statement.setNull(2, Types.VARCHAR);
            statement.setString(3, dataPatch);
            statement.setString(4, "token:linear-cost-test");
            statement.setString(5, "linear-cost");
            statement.setString(6, "off");
            statement.setLong(7, id);
            statement.setNull(8, Types.BIGINT);
            statement.setNull(9, Types.BIGINT);
            try (ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
            }
        }
    }

    private static String mergeStatement() {
        try (InputStream in = LinearCostTest.class.getResourceAsStream("/dev/custodian/users/merge-patch.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
