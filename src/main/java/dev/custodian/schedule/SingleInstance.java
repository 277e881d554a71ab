package dev.custodian.schedule;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task's work when it is due, on one instance at a time among all that share the
 * database. The instance first takes the task's session-level advisory lock with
 * {@code pg_try_advisory_lock}; one that finds it taken skips this round. Under the lock it reads
 * the task's last run from {@code scheduled_runs}: the work runs only when the last run finished
 * at least one interval ago (or never finished: its instance stopped during it), so each interval
 * gets one run, whichever instance's turn comes first.
 *
 * <p>The lock is held by a connection taken from the pool for the whole run and used for nothing
 * else; the work uses other connections. A session lock lives as long as its session, so if the
 * instance dies, PostgreSQL ends the session and releases the lock, and another instance takes
 * over at its next turn. The lock is released before the connection goes back to the pool; a
 * connection that could not release it is evicted from the pool, which ends its session.
 * A transaction-level lock would not do: the work commits many transactions of its own.
 * Thread-safe (stateless between calls).
 */
public final class SingleInstance {
    private static final Logger log = LoggerFactory.getLogger(SingleInstance.class);
    /** First key of Custodian's advisory locks, "CUST" in ASCII; the second is the task's hash. */
    private static final int LOCK_CLASS = 0x43555354;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?, hashtext(?))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?, hashtext(?))";
    private static final String DUE = """
            SELECT NOT EXISTS (SELECT 1 FROM scheduled_runs r
                                WHERE r.task = ? AND r.finished_at IS NOT NULL
                                  AND r.started_at > now() - ? * interval '1 millisecond')
            """;
    private static final String STARTED = """
            INSERT INTO scheduled_runs (task, started_at, finished_at, instance) VALUES (?, now(), NULL, ?)
            ON CONFLICT (task) DO UPDATE
               SET started_at = excluded.started_at, finished_at = NULL, instance = excluded.instance
            """;
    private static final String FINISHED = "UPDATE scheduled_runs SET finished_at = now() WHERE task = ?";
    /** Names this instance in {@code scheduled_runs}: process and host, and a suffix for servers sharing one JVM. */
    private static final String INSTANCE = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    /** What one attempt did. */
    public enum Outcome {
        RAN,
        NOT_DUE,
        RUNNING_ELSEWHERE
    }

    private final DataSource dataSource;

    public SingleInstance(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} if {@code task} is due every {@code every} and no other instance runs it now. */
    public Outcome runIfDue(String task, Duration every, Runnable work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!lock(connection, TRY_LOCK, task)) {
                return Outcome.RUNNING_ELSEWHERE;
            }
            try {
                if (!due(connection, task, every)) {
                    return Outcome.NOT_DUE;
                }
                update(connection, STARTED, task, INSTANCE);
                work.run();
                // A run cut short by the instance stopping stays unfinished, so it is due again at once.
                if (!Thread.currentThread().isInterrupted()) {
                    update(connection, FINISHED, task);
                }
                return Outcome.RAN;
            } finally {
                unlock(connection, task);
            }
        }
    }

    private void unlock(Connection connection, String task) {
        try {
            if (lock(connection, UNLOCK, task)) {
                return;
            }
            log.error("the advisory lock of scheduled task {} was not held when released", task);
        } catch (SQLException e) {
            log.warn("could not release the advisory lock of scheduled task {}: {}", task, e.getMessage());
        }
        if (dataSource instanceof HikariDataSource pool) {
            pool.evictConnection(connection); // ends the session, and with it any lock it still holds
        }
    }

    private static boolean lock(Connection connection, String sql, String task) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, LOCK_CLASS);
            statement.setString(2, task);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static boolean due(Connection connection, String task, Duration every) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DUE)) {
            statement.setString(1, task);
            statement.setLong(2, every.toMillis());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static void update(Connection connection, String sql, String... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        }
    }
}
