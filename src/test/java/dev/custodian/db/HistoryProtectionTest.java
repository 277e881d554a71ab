package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * History entries, seen from a client that is not the service: no statement changes or removes
 * one, except compaction through custodian_history_compact.
 */
class HistoryProtectionTest {
    private final DataSource db = TestDatabase.fresh();
    private final long id = ForeignClient.insertUser(db, "Ann", "{\"phone\": \"+14155550001\"}");

    @Test
    void updateDeleteAndTruncateOfHistoryAreRefusedAndChangeNothing() {
        changeTwice();
        List<Map<String, Object>> before = entries();

        for (String statement : List.of("UPDATE user_changes SET actor = 'someone else' WHERE user_id = " + id,
                "DELETE FROM user_changes WHERE user_id = " + id, "TRUNCATE user_changes",
                "DELETE FROM user_changes WHERE user_id = -1")) {
            PSQLException refusal = TestSql.refusal(db, statement);
            assertThat(refusal.getSQLState()).as(statement).isEqualTo("CU005");
            assertThat(refusal.getServerErrorMessage().getMessage()).as(statement)
                    .endsWith("refused: history entries are never changed or removed");
            assertThat(refusal.getServerErrorMessage().getHint()).contains("CUSTODIAN_HISTORY_KEEP");
        }

        assertThat(entries()).isEqualTo(before);
    }

    @Test
    void compactionReplacesTheEntriesBeforeTheBoundaryBySnapshotAndLeavesLaterOnesAlone() {
        TestSql.execute(db, "UPDATE users SET data = data || '{\"city\": \"Oslo\"}' WHERE id = ?", id);
        Object atVersion2 = TestSql.value(db, "SELECT custodian_history_state(u)::text FROM users u WHERE id = ?", id);
        TestSql.execute(db, "UPDATE users SET name = 'Anna' WHERE id = ?", id);
        List<Map<String, Object>> later = TestSql.rows(db, "SELECT * FROM user_changes WHERE user_id = ? AND version = 3", id);

        Object removed = TestSql.value(db, "SELECT custodian_history_compact(?, 2, ?::jsonb)", id, atVersion2);

        assertThat(removed).isEqualTo(1L);
        assertThat(TestSql.rows(db, """
                SELECT version, snapshot::text AS snapshot, compacted_at IS NOT NULL AS compacted
                  FROM user_changes WHERE user_id = ? ORDER BY version""", id))
                .extracting(row -> row.get("version"), row -> row.get("snapshot"), row -> row.get("compacted"))
                .containsExactly(tuple(2L, atVersion2, true), tuple(3L, null, false));
        assertThat(TestSql.rows(db, "SELECT * FROM user_changes WHERE user_id = ? AND version = 3", id)).isEqualTo(later);
        assertThat(TestSql.refusal(db, "DELETE FROM user_changes WHERE user_id = " + id).getSQLState()).isEqualTo("CU005");
    }

    private void changeTwice() {
        TestSql.execute(db, "UPDATE users SET data = data || '{\"city\": \"Oslo\"}' WHERE id = ?", id);
        TestSql.execute(db, "UPDATE users SET name = 'Anna' WHERE id = ?", id);
    }

    private List<Map<String, Object>> entries() {
        return TestSql.rows(db, """
                SELECT user_id, version, at, actor, source, op, changes::text, undo::text, snapshot::text
                  FROM user_changes ORDER BY user_id, version""");
    }
}
