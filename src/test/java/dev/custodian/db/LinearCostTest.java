package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.insertUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.http.Json;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import dev.custodian.tracked.TrackedTable;
import dev.custodian.tracked.TrackedWrites;
import dev.custodian.tracked.WriteRequest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
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
    private final TrackedWrites writes = new TrackedWrites(new Transactions(db), TrackedTable.USERS);

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

    /** The service's one-statement merge of a data patch into user id, through the write pipeline. */
    private void merge(long id, String dataPatch) {
        ObjectNode patch = Json.MAPPER.createObjectNode();
        patch.set("data", Json.parseTrusted(dataPatch));
        WriteContext context = WriteContext.of("token:linear-cost-test", "linear-cost");
        writes.merge(new WriteRequest(context, OptionalLong.empty(), false), Long.toString(id), patch);
    }
}
