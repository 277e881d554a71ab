package dev.custodian.jobs;

import dev.custodian.db.DatabaseErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to run a rollback or restore: a session-level PostgreSQL advisory lock, held on a
 * connection of its own for as long as the job runs, so one job runs at a time among all
 * instances on one database. When an instance dies, its session ends and the lock goes with it
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). Not
 * thread-safe: one job's thread holds it and closes it.
 */
final class JobLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobLock.class);
    /** The two-key form, as pg_locks shows it: classid 'CUST' in ASCII, objid 1 for jobs. */
    static final int CLASS_ID = 0x43555354;
    static final int OBJECT_ID = 1;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?, ?)";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?, ?)";
    /** Whether any session of this database holds the lock; objsubid 2 marks the two-key form. */
    static final String HELD = """
            EXISTS (SELECT 1 FROM pg_locks l
                     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %d AND l.objid = %d AND l.objsubid = 2
                       AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """.formatted(CLASS_ID, OBJECT_ID);

    private final Connection connection;

    private JobLock(Connection connection) {
        this.connection = connection;
    }

    /** Takes the lock when no other session holds it. */
    static Optional<JobLock> tryAcquire(DataSource dataSource) {
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            if (call(connection, TRY_LOCK)) {
                return Optional.of(new JobLock(connection));
            }
            connection.close();
            return Optional.empty();
        } catch (SQLException e) {
            closeQuietly(connection);
            throw DatabaseErrors.translate(e);
        }
    }

    @Override
    public void close() {
        try {
            call(connection, UNLOCK);
        } catch (SQLException e) {
            // Only a broken connection fails here, and its session ends with the lock in it.
            log.warn("could not release the job lock: {}", e.getMessage());
        } finally {
            closeQuietly(connection);
        }
    }

    private static boolean call(Connection connection, String sql) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, CLASS_ID);
            statement.setInt(2, OBJECT_ID);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing the job lock's connection failed", e);
        }
    }
}
