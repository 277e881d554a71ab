package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.MovableClock;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CUSTODIAN_HISTORY_KEEP: history older than the window is compacted into a snapshot at the
 * boundary. Versions from the boundary on can still be read, reverted to and undone; older ones
 * answer 410 naming the boundary. The server's clock is moved so that the window ends between
 * two writes of the same user.
 */
class RetentionTest {
    private static final Duration KEEP = Duration.ofDays(400);
    private static final DataSource db = TestDatabase.fresh();
    private static final MovableClock clock = new MovableClock();
    private static TestServer server;
    /** A user with versions 1 to 3 before the window and 4 to 6 inside it. */
    private static long id;
    /** A user with one version only, made before the window: nothing to compact. */
    private static long untouched;
    /** A user changed before the window and then erased: its history holds no values to compact. */
    private static long erased;
    private static List<Map<String, Object>> erasedHistory;
    private static final Map<Long, JsonNode> before = new HashMap<>();
    private static String boundaryAt;
    private static long rowsBefore;

    @BeforeAll
    static void compactHistoryBetweenTwoWrites() {
        untouched = TestUsers.create(anyServer(), """
                {"name": "Una", "email": "%s", "data": {"phone": "+14155550100"}}""".formatted(TestUsers.uniqueEmail()));
        id = TestUsers.create(anyServer(), """
                {"name": "Ann", "email": "%s", "data": {"phone": "+14155550000", "city": "Oslo"}}""".formatted(TestUsers.uniqueEmail()));
        History.ok(anyServer().mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550001\"}}"));
        History.ok(anyServer().mergePatch("/users/" + id, "{\"data\": {\"city\": \"Bergen\"}}"));
        erased = TestUsers.create(anyServer(), """
                {"name": "Eve", "email": "%s", "data": {"phone": "+14155550200"}}""".formatted(TestUsers.uniqueEmail()));
        History.ok(anyServer().mergePatch("/users/" + erased, "{\"data\": {\"phone\": \"+14155550201\"}}"));
        assertThat(anyServer().request("POST", "/admin/users/" + erased + "/erase").token(anyServer().adminToken)
                .json("{\"reason\": \"asked to be forgotten\"}").send().status()).isEqualTo(200);
        erasedHistory = TestSql.rows(db, "SELECT * FROM user_changes WHERE user_id = ? ORDER BY version", erased);
        Instant windowStart = Instant.parse(TestSql.value(db, "SELECT custodian_time(clock_timestamp())").toString());
        History.ok(anyServer().mergePatch("/users/" + id, "{\"name\": \"Anna\"}"));
        History.ok(anyServer().mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550002\"}}"));
        History.ok(anyServer().mergePatch("/users/" + id, "{\"data\": {\"zip\": \"0150\"}}"));
        for (long version = 1; version <= 6; version++) {
            before.put(version, read(anyServer(), version).json());
        }
        boundaryAt = before.get(3L).get("updatedAt").asText();
        rowsBefore = TestSql.count(db, "SELECT count(*) FROM user_changes");
        anyServer().close();
        server = null;

        clock.advance(Duration.between(clock.instant(), windowStart.plus(KEEP)));
        server = TestServer.start(db, settings -> settings.withHistoryRetention(Optional.of(KEEP), Duration.ofHours(1)), clock);
        awaitCompacted();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void entriesBeforeTheBoundaryAreReplacedByASnapshotOnIt() {
        List<Map<String, Object>> rows = TestSql.rows(db, """
                SELECT version, snapshot IS NOT NULL AS snapshot, compacted_at IS NOT NULL AS compacted
                  FROM user_changes WHERE user_id = ? AND version <= 6 ORDER BY version""", id);

        assertThat(rows).extracting(row -> row.get("version")).containsExactly(3L, 4L, 5L, 6L);
        assertThat(rows.get(0)).containsEntry("snapshot", true).containsEntry("compacted", true);
        assertThat(rows.subList(1, 4)).allSatisfy(row -> assertThat(row).containsEntry("compacted", false));
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE user_id = ?", untouched)).isOne();
        assertThat(TestSql.count(db, "SELECT count(*) FROM user_changes WHERE NOT (user_id = ? AND version > 6)", id))
                .as("every other entry kept").isEqualTo(rowsBefore - 2);
    }

    @Test
    void anErasedUsersHistoryIsLeftAsTheErasureLeftItAndDoesNotStopTheOthers() {
        assertThat(erasedHistory).hasSize(3);
        assertThat(TestSql.rows(db, "SELECT * FROM user_changes WHERE user_id = ? ORDER BY version", erased))
                .isEqualTo(erasedHistory);
    }

    @Test
    void versionsFromTheBoundaryOnReadAsBefore() {
        for (long version = 3; version <= 6; version++) {
            HttpResponse response = read(server, version);
            assertThat(response.status()).as("version " + version).isEqualTo(200);
            assertThat(response.json()).as("version " + version).isEqualTo(before.get(version));
        }
        HttpResponse atBoundaryTime = server.get("/users/" + id + "?asOf=" + boundaryAt);
        assertThat(atBoundaryTime.json()).isEqualTo(before.get(3L));
        assertThat(server.get("/users/" + untouched + "?version=1").status()).isEqualTo(200);
    }

    @Test
    void versionsBeforeTheBoundaryAre410NamingIt() {
        for (long version = 1; version <= 2; version++) {
            assertGone(read(server, version), "version " + version);
        }
        Instant justBefore = Instant.parse(boundaryAt).minusNanos(1000);
        assertGone(server.get("/users/" + id + "?asOf=" + justBefore), "its state at " + justBefore);
    }

    @Test
    void revertToAVersionInsideTheWindowWorksAndOneBeforeItIs410() {
        long historyBefore = History.changeCount(db, id);
        JsonNode current = TestSql.user(db, id);

        assertGone(revert("{\"toVersion\": 2}"), "version 2");
        assertGone(revert("{\"undoVersion\": 1}"), "version 1");
        assertThat(TestSql.user(db, id)).isEqualTo(current);
        assertThat(History.changeCount(db, id)).isEqualTo(historyBefore);

        HttpResponse reverted = revert("{\"toVersion\": 3}");
        History.ok(reverted);
        assertThat(reverted.json().get("data")).isEqualTo(before.get(3L).get("data"));
        assertThat(reverted.json().get("name")).isEqualTo(before.get(3L).get("name"));
        HttpResponse undone = revert("{\"undoVersion\": " + reverted.json().get("version").asLong() + "}");
        History.ok(undone);
        assertThat(undone.json().get("data")).isEqualTo(current.get("data"));
        assertThat(History.changeCount(db, id)).isEqualTo(historyBefore + 2);
    }

    @Test
    void statsCountTheHistoryThatIsLeft() {
        HttpResponse response = server.request("GET", "/admin/history/stats").token(server.adminToken).send();

        assertThat(response.status()).isEqualTo(200);
        JsonNode table = response.json().get("tables").get(0);
        assertThat(table.get("table").asText()).isEqualTo("users");
        assertThat(table.get("historyTable").asText()).isEqualTo("user_changes");
        assertThat(table.get("rows").asLong()).isEqualTo(TestSql.count(db, "SELECT count(*) FROM user_changes"));
        assertThat(table.get("bytes").asLong())
                .isEqualTo(TestSql.count(db, "SELECT pg_total_relation_size('user_changes')"));
        assertThat(table.get("oldest").asText())
                .isEqualTo(TestSql.value(db, "SELECT custodian_time(min(at)) FROM user_changes"));
        assertThat(server.get("/admin/history/stats").status()).isEqualTo(403);
    }

    private static void assertGone(HttpResponse response, String what) {
        assertThat(response.status()).as(response.body()).isEqualTo(410);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asText()).isEqualTo("/problems/history-compacted");
        assertThat(problem.get("detail").asText()).contains("user " + id, what, "before version 3");
        assertThat(problem.get("boundary").get("version").asLong()).isEqualTo(3);
        assertThat(problem.get("boundary").get("at").asText()).isEqualTo(boundaryAt);
    }

    private static HttpResponse revert(String body) {
        return server.postJson("/users/" + id + "/revert", body);
    }

    private static HttpResponse read(TestServer on, long version) {
        return on.get("/users/" + id + "?version=" + version);
    }

    /** Before the clock moves: a server that keeps everything. */
    private static TestServer anyServer() {
        if (server == null) {
            server = TestServer.start(db, settings -> settings, clock);
        }
        return server;
    }

    private static void awaitCompacted() {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (TestSql.count(db, "SELECT count(*) FROM user_changes WHERE user_id = ? AND version < 3", id) > 0) {
            assertThat(Instant.now()).as("compaction within a minute").isBefore(deadline);
            sleepBriefly();
        }
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(50); // polling interval while waiting for the condition, not a wait for time to pass
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
