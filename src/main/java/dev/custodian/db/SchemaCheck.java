package dev.custodian.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the schema Custodian relies on is intact, kept cheap enough to ask before every
 * write: a verdict is reused for {@link #MAX_AGE}, concurrent callers share one look, and
 * nobody waits for the database longer than {@link #TIMEOUT} (readiness must answer within a
 * second; a look that takes longer goes on in the background and its verdict is kept). Once a
 * verdict is {@link #LOOK_AHEAD} old, the next write starts the following look in the
 * background and goes on with the verdict it has, still within its age: writes wait for a look
 * only when none came for a second. Logs when the schema becomes damaged and when it is sound
 * again. Thread-safe.
 */
public final class SchemaCheck {
    /** How long a verdict is reused before writes ask again. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    /**
     * How old a verdict is when writes start the next look without waiting for it. When every
     * write waited for the look once its verdict was a second old (the look needs a connection
     * of the pool, behind the writes queued for one), a W1 load stalled each second: that wait
     * was the longest any write spent blocked (Java Flight Recorder, jdk.ThreadPark).
     */
    static final Duration LOOK_AHEAD = MAX_AGE.dividedBy(2);
    /** How long a caller waits for the database; the rest of readiness's second is for HTTP. */
    static final Duration TIMEOUT = Duration.ofMillis(800);

    private static final Logger log = LoggerFactory.getLogger(SchemaCheck.class);

    private final DataSource dataSource;
    private final Clock clock;
    private final ExecutorService looks = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "custodian-schema-check");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicReference<CompletableFuture<List<Migrations.Expected>>> migrations = new AtomicReference<>();
    private final Object lock = new Object();
    // Written under lock; read without it first, so the writes that find a recent verdict
    // (nearly all) do not queue for the lock.
    private volatile SchemaReport latest;
    private volatile CompletableFuture<SchemaReport> running;
    private Instant runningSince;

    public SchemaCheck(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** A verdict at most {@link #MAX_AGE} old: what a write asks before it starts. */
    public SchemaReport recent() {
        Instant now = clock.instant();
        SchemaReport known = latest;
        if (known != null && known.checkedAt().isBefore(now.minus(LOOK_AHEAD)) && !known.checkedAt().isBefore(now.minus(MAX_AGE))
                && running == null) {
            synchronized (lock) {
                if (running == null && latest == known) {
                    start();
                }
            }
        }
        return since(now.minus(MAX_AGE));
    }

    /** A verdict from a look that started now or later: for readiness, and after a failure that looks like damage. */
    public SchemaReport current() {
        return since(clock.instant());
    }

    private SchemaReport since(Instant since) {
        SchemaReport known = latest;
        if (known != null && !known.checkedAt().isBefore(since)) {
            return known;
        }
        CompletableFuture<SchemaReport> look;
        synchronized (lock) {
            if (latest != null && !latest.checkedAt().isBefore(since)) {
                return latest;
            }
            look = running == null || runningSince.isBefore(since) ? start() : running;
        }
        try {
            return look.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return SchemaReport.unreachable(since, "the database did not answer within " + TIMEOUT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SchemaReport.unreachable(since, "interrupted while waiting for the database");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the schema check failed", e.getCause());
        }
    }

    /** Starts a look; called holding the lock. A look that is already done is kept at once. */
    private CompletableFuture<SchemaReport> start() {
        Instant at = clock.instant();
        CompletableFuture<SchemaReport> look = CompletableFuture.supplyAsync(() -> look(at), looks);
        runningSince = at;
        running = look;
        look.thenAccept(report -> keep(look, report));
        return look;
    }

    private void keep(CompletableFuture<SchemaReport> look, SchemaReport report) {
        synchronized (lock) {
            if (latest == null || latest.checkedAt().isBefore(report.checkedAt())) {
                logChange(latest, report);
                latest = report;
            }
            if (running == look) {
                running = null;
            }
        }
    }

    private static void logChange(SchemaReport before, SchemaReport after) {
        if (after.damaged() && (before == null || !before.problems().equals(after.problems()))) {
            log.error("the database schema is damaged; writes are refused until it is repaired: {}",
                    String.join("; ", after.problems()));
        } else if (before != null && before.damaged() && after.reachable() && !after.damaged()) {
            log.info("the database schema is sound again; writes are accepted");
        }
    }

    /** One look, in a transaction that changes nothing and is rolled back. */
    private SchemaReport look(Instant at) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL statement_timeout = " + TIMEOUT.toMillis());
                return SchemaInspection.inspect(connection, at, migrations());
            } finally {
                connection.rollback();
            }
        } catch (SQLException | RuntimeException e) {
            // The queries read only the catalog and Flyway's history, through to_regclass where a
            // table may be missing: a failure means the database did not answer as it should.
            log.warn("schema check: {}", e.toString());
            return SchemaReport.unreachable(at, "the database cannot be reached right now; retry shortly");
        }
    }

    /**
     * The migrations on the class path, or null while they are being read. Reading them takes
     * Flyway a while (it scans the class path), so it happens once, in the background, started
     * by the first look: a look never waits for it. Until then, the service having migrated
     * before it served is what says the migrations are done.
     */
    private List<Migrations.Expected> migrations() {
        CompletableFuture<List<Migrations.Expected>> reading = migrations.get();
        if (reading == null || reading.isCompletedExceptionally()) {
            CompletableFuture<List<Migrations.Expected>> next = new CompletableFuture<>();
            if (migrations.compareAndSet(reading, next)) {
                looks.execute(() -> readMigrations(next));
            }
            return null;
        }
        return reading.getNow(null);
    }

    private void readMigrations(CompletableFuture<List<Migrations.Expected>> into) {
        try {
            into.complete(Migrations.expected(dataSource));
        } catch (RuntimeException e) {
            into.completeExceptionally(e);
        }
    }
}
