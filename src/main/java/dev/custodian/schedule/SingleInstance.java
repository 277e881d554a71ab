package dev.custodian.schedule;

import dev.custodian.db.AdvisoryLock;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Runs a task's work when it is due, on one instance at a time among all that share the
 * database. The instance first takes the task's {@link AdvisoryLock}, named by the task; one that
 * finds it taken skips this round. Under the lock it reads
 * the task's last run from {@code scheduled_runs}: the work runs only when the last run finished
 * at least one interval ago (or never finished: its instance stopped during it), so each interval
 * gets one run, whichever instance's turn comes first.
 *
 * <p>If the instance dies, PostgreSQL ends the lock's session and releases it, and another
 * instance takes over at its next turn. Thread-safe (stateless between calls).
 */
public final class SingleInstance {
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
        Optional<AdvisoryLock> held = AdvisoryLock.tryAcquire(dataSource, task);
        if (held.isEmpty()) {
            return Outcome.RUNNING_ELSEWHERE;
        }
        try (AdvisoryLock lock = held.get()) {
            Connection connection = lock.connection();
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
