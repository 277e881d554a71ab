package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.MovableClock;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Compaction of 50,000 history entries while four clients keep writing to the same users through
 * another instance: no write is lost, no entry inside the window is lost, and every version
 * written meanwhile reads back as it was answered.
 */
class CompactionUnderWritesTest {
    private static final int USERS = 500;
    private static final int SEEDED_VERSIONS = 100;
    private static final int WRITERS = 4;
    private static final Duration KEEP = Duration.ofDays(400);

    private final DataSource db = TestDatabase.fresh();

    @Test
    void writesDuringCompactionAreAllKeptAndEveryVersionInTheWindowStaysReadable() throws Exception {
        seed();
        Instant windowStart = Instant.parse(TestSql.value(db, "SELECT custodian_time(clock_timestamp())").toString());
        MovableClock clock = new MovableClock();
        clock.advance(Duration.between(clock.instant(), windowStart.plus(KEEP)));
        Map<Long, JsonNode> answered = new ConcurrentHashMap<>();
        List<Map<Long, Integer>> lastWritten = new ArrayList<>();
        AtomicBoolean compactionDone = new AtomicBoolean();

        ExecutorService executor = Executors.newFixedThreadPool(WRITERS);
        try (TestServer writes = TestServer.start(db, settings -> settings)) {
            List<Future<?>> writers = new ArrayList<>();
            for (int k = 0; k < WRITERS; k++) {
                Map<Long, Integer> last = new HashMap<>();
                lastWritten.add(last);
                int writer = k;
                writers.add(executor.submit(() -> write(writes, writer, last, answered, compactionDone)));
            }
            try (TestServer compacting = TestServer.start(db,
                    settings -> settings.withHistoryRetention(Optional.of(KEEP), Duration.ofHours(1)), clock)) {
                awaitFinishedCompaction();
                compactionDone.set(true);
                for (Future<?> writer : writers) {
                    writer.get();
                }
            }

            assertThat(TestSql.count(db, """
                    SELECT count(*) FROM user_changes c, scheduled_runs r
                     WHERE r.task = 'history-compaction' AND c.at > r.started_at AND c.at < r.finished_at"""))
                    .as("writes committed while compaction ran").isPositive();
            assertEveryWriteKept(lastWritten, answered.size());
            assertHistoryFromTheBoundaryOnIsWhole(answered.size());
            for (Map.Entry<Long, JsonNode> written : answered.entrySet()) {
                JsonNode answer = written.getValue();
                HttpResponse read = writes.get("/users/" + answer.get("id").asLong() + "?version=" + answer.get("version").asLong());
                assertThat(read.status()).isEqualTo(200);
                for (String field : List.of("name", "email", "data", "version", "updatedAt")) {
                    assertThat(read.json().get(field)).as(field + " of " + answer).isEqualTo(answer.get(field));
                }
            }
        } finally {
            executor.shutdownNow();
        }
    }

    /** Users 1 to 500, each with versions 1 to 100: 50,000 entries, all before the window. */
    private void seed() {
        TestSql.execute(db, """
                INSERT INTO users (name, email, data)
                SELECT 'User ' || g, 'user' || g || '@example.com', '{"n": 0}' FROM generate_series(1, ?) g""", USERS);
        TestSql.execute(db, """
                DO $$
                BEGIN
                    PERFORM set_config('custodian.allow_rows', '%d', true);
                    FOR i IN 2..%d LOOP
                        UPDATE users SET data = data || jsonb_build_object('n', i);
                    END LOOP;
                END $$""".formatted(USERS, SEEDED_VERSIONS));
    }

    /** Writes its own key of one user after another until compaction is done, at least 25 times. */
    private static Void write(TestServer server, int writer, Map<Long, Integer> last, Map<Long, JsonNode> answered,
                              AtomicBoolean compactionDone) {
        for (int i = 0; i < 25 || !compactionDone.get(); i++) {
            long id = 1 + (i * 7L + writer * 131L) % USERS;
            HttpResponse response = server.mergePatch("/users/" + id, "{\"data\": {\"w" + writer + "\": " + i + "}}");
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            last.put(id, i);
            JsonNode user = response.json();
            answered.put(id * 1_000_000 + user.get("version").asLong(), user);
        }
        return null;
    }

    private void assertEveryWriteKept(List<Map<Long, Integer>> lastWritten, int written) {
        Map<Long, Integer> writesPerUser = new HashMap<>();
        for (int writer = 0; writer < WRITERS; writer++) {
            for (Map.Entry<Long, Integer> last : lastWritten.get(writer).entrySet()) {
                JsonNode data = TestSql.user(db, last.getKey()).get("data");
                assertThat(data.get("w" + writer).asInt()).as("user " + last.getKey() + ", writer " + writer)
                        .isEqualTo(last.getValue());
                assertThat(data.get("n").asInt()).isEqualTo(SEEDED_VERSIONS);
            }
        }
        for (Map<String, Object> row : TestSql.rows(db, "SELECT id, version FROM users")) {
            writesPerUser.put((Long) row.get("id"), ((Long) row.get("version")).intValue() - SEEDED_VERSIONS);
        }
        assertThat(writesPerUser.values().stream().mapToInt(Integer::intValue).sum())
                .as("versions written after the seed").isEqualTo(written);
    }

    /** Each user keeps exactly its boundary (version 100, now with a snapshot) and every later version. */
    private void assertHistoryFromTheBoundaryOnIsWhole(int written) {
        assertThat(TestSql.rows(db, """
                SELECT u.id, u.version, count(c.*) AS entries, min(c.version) AS first,
                       bool_and(c.snapshot IS NOT NULL) FILTER (WHERE c.version = ?) AS snapshot
                  FROM users u JOIN user_changes c ON c.user_id = u.id
                 GROUP BY u.id, u.version
                HAVING count(c.*) <> u.version - ? + 1 OR min(c.version) <> ?
                    OR NOT bool_and(c.snapshot IS NOT NULL) FILTER (WHERE c.version = ?)""",
                SEEDED_VERSIONS, SEEDED_VERSIONS, SEEDED_VERSIONS, SEEDED_VERSIONS))
                .as("users whose history is not exactly the boundary and every later version").isEmpty();
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE version > ?", SEEDED_VERSIONS))
                .as("entries written during compaction").isEqualTo(written);
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes")).isEqualTo(USERS + written);
    }

    private void awaitFinishedCompaction() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        while (TestSql.count(db, """
                SELECT count(*) FROM scheduled_runs WHERE task = 'history-compaction' AND finished_at IS NOT NULL""") == 0) {
            assertThat(Instant.now()).as("compaction within two minutes").isBefore(deadline);
            RetentionTest.sleepBriefly();
        }
    }
}
