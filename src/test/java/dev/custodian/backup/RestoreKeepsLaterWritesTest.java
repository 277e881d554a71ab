package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The incident of issue 10: clients write users 2–5 through the API, a backup is taken, raw SQL
 * damages users 6–9, and a restore with no body must bring 6–9 back while 2–5 keep every write
 * the API acknowledged since the backup.
 */
class RestoreKeepsLaterWritesTest {
    private static final List<Long> WRITTEN = List.of(2L, 3L, 4L, 5L);
    private static final List<Long> DAMAGED = List.of(6L, 7L, 8L, 9L);
    /** Enough for any of these waits on a busy 2-core machine; each normally takes well under a second. */
    private static final long WAIT_SECONDS = 60;

    private final BackupFixture fixture = new BackupFixture();
    private final ExecutorService pool = Executors.newFixedThreadPool(WRITTEN.size());

    @AfterEach
    void close() {
        pool.shutdownNow();
        fixture.close();
    }

    @Test
    void aRestoreWithNoBodyReturnsTheDamagedUsersAndKeepsEveryWriteTheApiAcknowledgedToTheOthers() throws Exception {
        fixture.createUsersThroughApi(9);
        List<Writer> writers = startWriters();
        awaitWrites(writers, 10);
        String id = fixture.backup().get("id").asText();
        Map<Long, JsonNode> damagedAtBackup = fixture.states(DAMAGED);
        awaitWrites(writers, 10);
        fixture.damageUsersSixToNine();
        Map<Long, JsonNode> damaged = fixture.states(DAMAGED);
        awaitWrites(writers, 5);

        HttpResponse preview = fixture.admin("POST", "/admin/backups/" + id + "/restore?dryRun=true");
        Map<Long, JsonNode> damagedAfterPreview = fixture.states(DAMAGED);
        HttpResponse restore = fixture.admin("POST", "/admin/backups/" + id + "/restore");
        awaitWrites(writers, 5);
        stop(writers);

        for (Writer writer : writers) {
            JsonNode row = TestSql.user(fixture.db, writer.userId);
            JsonNode last = writer.acknowledged.get(writer.acknowledged.size() - 1).user();
            assertThat(row.get("data")).as("user %d", writer.userId).isEqualTo(last.get("data"));
            assertThat(row.get("version")).as("user %d", writer.userId).isEqualTo(last.get("version"));
            for (Acknowledged write : writer.acknowledged) {
                assertThat(row.at("/data/w" + write.n()).asInt(-1)).as("user %d, write w%d", writer.userId, write.n())
                        .isEqualTo(write.n());
            }
            assertThat(writer.failures).as("user %d", writer.userId).isEmpty();
        }
        assertThat(fixture.count("SELECT count(*) FROM user_changes WHERE op = 'restore' AND user_id IN (2, 3, 4, 5)"))
                .isZero();
        assertThat(fixture.states(DAMAGED)).isEqualTo(damagedAtBackup);
        assertThat(damagedAfterPreview).as("after the preview").isEqualTo(damaged).isNotEqualTo(damagedAtBackup);

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        for (JsonNode report : List.of(preview.json(), restore.json())) {
            assertThat(BackupFixture.ids(report, "/returned/damaged")).isEqualTo(DAMAGED);
            assertThat(BackupFixture.ids(report, "/kept/written")).isEqualTo(WRITTEN);
            assertThat(report.at("/returned/written/count").asLong()).isZero();
            assertThat(report.at("/kept/damaged/count").asLong()).isZero();
            assertThat(report.get("restored").asLong()).isEqualTo(3);
            assertThat(report.get("created").asLong()).isEqualTo(1);
            assertThat(report.get("softDeleted").asLong()).isZero();
            assertThat(report.get("unchanged").asLong()).isEqualTo(1);
        }
        assertThat(fixture.count("""
                SELECT count(DISTINCT user_id) FROM user_changes
                 WHERE op = 'restore' AND source = 'api' AND request_id = ? AND user_id IN (6, 7, 8, 9)""",
                restore.json().get("requestId").asText())).isEqualTo(4);
    }

    private List<Writer> startWriters() {
        var writers = new ArrayList<Writer>();
        for (long user : WRITTEN) {
            Writer writer = new Writer(user);
            writer.running = pool.submit(writer);
            writers.add(writer);
        }
        return writers;
    }

    /** Waits until every writer has had {@code writes} more writes acknowledged. */
    private static void awaitWrites(List<Writer> writers, int writes) throws InterruptedException {
        for (Writer writer : writers) {
            assertThat(writer.acknowledgements.tryAcquire(writes, WAIT_SECONDS, TimeUnit.SECONDS))
                    .as("user %d: %d more acknowledged writes within %d s; failures %s", writer.userId, writes,
                            WAIT_SECONDS, writer.failures)
                    .isTrue();
        }
    }

    private static void stop(List<Writer> writers) throws Exception {
        writers.forEach(writer -> writer.stop.set(true));
        for (Writer writer : writers) {
            writer.running.get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A write the API answered 200 to: it set {@code data.w<n>} to n, and the user it returned. */
    private record Acknowledged(int n, JsonNode user) {
    }

    /** One client adding a new key to one user's data again and again, remembering what was acknowledged. */
    private final class Writer implements Runnable {
        final long userId;
        final List<Acknowledged> acknowledged = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final Semaphore acknowledgements = new Semaphore(0);
        final AtomicBoolean stop = new AtomicBoolean();
        Future<?> running;

        Writer(long userId) {
            this.userId = userId;
        }

        @Override
        public void run() {
            for (int n = 1; !stop.get(); n++) {
                HttpResponse response = fixture.server.mergePatch("/users/" + userId, "{\"data\": {\"w" + n + "\": " + n + "}}");
                if (response.status() == 200) {
                    acknowledged.add(new Acknowledged(n, response.json()));
                    acknowledgements.release();
                } else {
                    failures.add(response.toString());
                }
            }
        }
    }
}
