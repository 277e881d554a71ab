package dev.custodian.db;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named session-level PostgreSQL advisory lock, held on a connection of its own for as long as
 * the work it guards runs, so that work runs on one instance at a time among all that share the
 * database. The work itself uses other connections and may commit many transactions, which a
 * transaction-level lock would not outlive. When an instance dies, PostgreSQL ends its session
 * and the lock goes with it
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS). The lock is
 * released before its connection goes back to the pool; a connection that could not release it
 * is evicted from the pool, which ends its session. Not thread-safe: one thread holds and closes it.
 */
public final class AdvisoryLock implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdvisoryLock.class);
    /** First key of Custodian's advisory locks, "CUST" in ASCII; the second is {@code hashtext(name)}. */
    private static final int CLASS_ID = 0x43555354;
    private static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?, hashtext(?))";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(?, hashtext(?))";

    private final DataSource dataSource;
    private final Connection connection;
    private final String name;

    private AdvisoryLock(DataSource dataSource, Connection connection, String name) {
        this.dataSource = dataSource;
        this.connection = connection;
        this.name = name;
    }

    /** Takes the lock named {@code name} when no other session holds it. */
    public static Optional<AdvisoryLock> tryAcquire(DataSource dataSource, String name) throws SQLException {
        Connection connection = dataSource.getConnection();
        try {
            connection.setAutoCommit(true);
            if (call(connection, TRY_LOCK, name)) {
                return Optional.of(new AdvisoryLock(dataSource, connection, name));
            }
            connection.close();
            return Optional.empty();
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** A SQL condition: whether any session of the current database holds the lock named {@code name}. */
    public static String heldCondition(String name) {
        // pg_locks shows the two-key form with objsubid 2, the second key as an oid.
        return """
                EXISTS (SELECT 1 FROM pg_locks l
                         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                           AND l.classid = %d AND l.objid = hashtext(%s)::oid
                           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
                """.formatted(CLASS_ID, SqlNames.literal(name));
    }

    /** The connection holding the lock, for short statements of the holder itself (autocommit). */
    public Connection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            if (call(connection, UNLOCK, name)) {
                closeQuietly(connection);
                return;
            }
            log.error("the advisory lock {} was not held when released", name);
        } catch (SQLException e) {
            log.warn("could not release the advisory lock {}: {}", name, e.getMessage());
        }
        if (dataSource instanceof HikariDataSource pool) {
            pool.evictConnection(connection); // ends the session, and with it any lock it still holds
        }
        closeQuietly(connection);
    }

    private static boolean call(Connection connection, String sql, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setInt(1, CLASS_ID);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            log.debug("closing an advisory lock's connection failed", e);
        }
    }
}
