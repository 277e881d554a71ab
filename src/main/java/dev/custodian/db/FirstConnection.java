package dev.custodian.db;

import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.SettingsException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first connection to an external PostgreSQL at start, before the pool: waits a bounded
 * time for a server that is down or starting, and turns every failure into one sentence that
 * says what to do — a {@link SettingsException} when only a corrected setting can help (unknown
 * database or role, wrong password), a {@link DatabaseUnavailableException} when the server
 * stayed out of reach. Stateless.
 */
final class FirstConnection {
    private static final Logger log = LoggerFactory.getLogger(FirstConnection.class);
    private static final Duration PAUSE = Duration.ofMillis(500);
    private static final String FIX_URL = "correct CUSTODIAN_DATABASE_URL or --database-url";

    private FirstConnection() {
    }

    static void await(DatabaseUrl url, Duration wait) {
        Server server = Server.of(url);
        long deadline = System.nanoTime() + wait.toNanos();
        for (int attempt = 1; ; attempt++) {
            try (Connection ignored = connect(url)) {
                return;
            } catch (SQLException e) {
                if (!DatabaseErrors.isUnavailable(e) || DatabaseErrors.isSignInRefused(e)) {
                    throw refused(server, e);
                }
                if (System.nanoTime() + PAUSE.toNanos() > deadline) {
                    throw new DatabaseUnavailableException("cannot reach PostgreSQL at " + server.address() + " ("
                            + reason(e) + ") after trying for " + wait.toSeconds() + " s; start it, " + FIX_URL
                            + ", or wait longer with CUSTODIAN_DB_WAIT");
                }
                if (attempt == 1) {
                    log.warn("waiting up to {} s for PostgreSQL at {}: {}", wait.toSeconds(), server.address(), reason(e));
                }
                pause(PAUSE, "PostgreSQL");
            }
        }
    }

    static Connection connect(DatabaseUrl url) throws SQLException {
        Properties properties = new Properties();
        url.user().ifPresent(user -> properties.setProperty("user", user));
        url.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("ApplicationName", "custodian");
        return DriverManager.getConnection(url.jdbcUrl(), properties);
    }

    private static RuntimeException refused(Server server, SQLException e) {
        if (DatabaseErrors.isUnknownDatabase(e)) {
            return new SettingsException("PostgreSQL at " + server.address() + " has no database \"" + server.database()
                    + "\"; create it (CREATE DATABASE " + server.database() + ") or " + FIX_URL);
        }
        if (DatabaseErrors.isSignInRefused(e)) {
            return new SettingsException("PostgreSQL at " + server.address() + " refused user \"" + server.user()
                    + "\" (" + reason(e) + "); " + FIX_URL + " (user and password)");
        }
        return new DatabaseUnavailableException("PostgreSQL at " + server.address() + " refused the connection ("
                + reason(e) + ", SQLSTATE " + e.getSQLState() + "); " + FIX_URL);
    }

    /** PostgreSQL's own message when it sent one, else what stopped the connection (refused, unknown host). */
    static String reason(SQLException e) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == e ? e.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** The pause between two tries of something start waits for; an interrupt ends the wait. */
    static void pause(Duration pause, String waitingFor) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while waiting for " + waitingFor);
        }
    }

    /** Where the URL points, as the driver reads it, for messages: never the password. */
    private record Server(String address, String database, String user) {
        static Server of(DatabaseUrl url) {
            Properties parsed = Driver.parseURL(url.jdbcUrl(), null);
            String systemUser = System.getProperty("user.name");
            if (parsed == null) {
                return new Server("the configured URL", "?", url.user().orElse(systemUser));
            }
            String host = PGProperty.PG_HOST.getOrDefault(parsed);
            String port = PGProperty.PG_PORT.getOrDefault(parsed);
            String user = url.user().or(() -> java.util.Optional.ofNullable(PGProperty.USER.getOrDefault(parsed)))
                    .orElse(systemUser);
            return new Server(host + ":" + port, PGProperty.PG_DBNAME.getOrDefault(parsed), user);
        }
    }
}
