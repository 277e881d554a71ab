package dev.custodian.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the service on one database, each with its own connection pool and backup
 * folder, both scheduled to take a backup every few seconds: each scheduled backup is taken by
 * one of them, never by both, and when the one taking them stops, the other takes over.
 */
class ScheduledWorkAcrossInstancesTest {
    private static final Duration EVERY = Duration.ofSeconds(3);
    private static final String SCHEDULED = "-scheduled.backup.gz";
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
    /** "backup" under Custodian's advisory lock class ("CUST"), as SingleInstance takes it. */
    private static final String BACKUP_LOCK = "SELECT pg_advisory_lock(1129665364, hashtext('backup'))";

    private final DataSource db = TestDatabase.fresh();
    private final HikariDataSource otherPool = TestDatabase.anotherPool(db);
    private final Path oneFolder = temporaryFolder();
    private final Path otherFolder = temporaryFolder();
    private final List<TestServer> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(TestServer::close);
        otherPool.close();
    }

    @Test
    void eachScheduledBackupIsTakenOnceAndTheOtherInstanceTakesOverWhenTheFirstStops() {
        TestServer one = start(db, oneFolder, EVERY);
        await("a first scheduled backup", () -> !createdAt(oneFolder).isEmpty());
        start(otherPool, otherFolder, EVERY);
        await("four scheduled backups by the two instances", () -> allCreatedAt().size() >= 4);
        // Stopped between runs: a run cut short by a stop is due again at once, on the other instance.
        await("the last run finished", () -> Boolean.TRUE.equals(
                TestSql.value(db, "SELECT finished_at IS NOT NULL FROM scheduled_runs WHERE task = 'backup'")));

        one.close();
        started.remove(one);
        Instant stoppedAt = Instant.now();
        await("a backup by the other instance after the first stopped",
                () -> createdAt(otherFolder).stream().anyMatch(time -> time.isAfter(stoppedAt)));

        List<Instant> all = allCreatedAt();
        for (int i = 1; i < all.size(); i++) {
            assertThat(Duration.between(all.get(i - 1), all.get(i)))
                    .as("time between scheduled backups %d and %d of %s", i - 1, i, all)
                    .isGreaterThanOrEqualTo(EVERY.dividedBy(2));
        }
    }

    @Test
    void whileAnotherSessionHoldsTheLockNothingRunsAndWhenThatSessionEndsTheServerTakesOver() throws SQLException {
        Connection holder = otherPool.getConnection();
        try (Statement statement = holder.createStatement()) {
            statement.execute(BACKUP_LOCK);
        }
        start(db, oneFolder, Duration.ofSeconds(1));
        Instant watchedUntil = Instant.now().plusMillis(1500);
        while (Instant.now().isBefore(watchedUntil)) {
            assertThat(createdAt(oneFolder)).as("backups while the lock is held elsewhere").isEmpty();
            pause();
        }

        otherPool.evictConnection(holder); // closes the session, as the session of an instance that dies ends

        await("a scheduled backup once the other session ended", () -> !createdAt(oneFolder).isEmpty());
    }

    private TestServer start(DataSource dataSource, Path folder, Duration every) {
        TestServer server = TestServer.start(dataSource, settings -> settings.withBackups(folder, Optional.of(every), 100));
        started.add(server);
        return server;
    }

    private List<Instant> allCreatedAt() {
        List<Instant> all = new ArrayList<>(createdAt(oneFolder));
        all.addAll(createdAt(otherFolder));
        all.sort(null);
        return all;
    }

    /** When each scheduled backup in the folder was taken, as its file name says (docs/backups.md). */
    private static List<Instant> createdAt(Path folder) {
        try (var files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SCHEDULED))
                    .map(name -> STAMP.parse(name.substring(0, name.length() - SCHEDULED.length()), Instant::from))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as(what).isBefore(deadline);
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // polling interval while waiting for the condition, not a wait for time to pass
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("custodian-schedule");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
