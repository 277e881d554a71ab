package dev.custodian.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.db.CustodianSchema;
import dev.custodian.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Real PostgreSQL for tests: the server named by {@code CUSTODIAN_TEST_DATABASE_URL}, or else
 * an embedded server started once per test run. {@link #shared()} is one migrated database
 * for tests that keep to their own rows; {@link #fresh()} is a new, empty, migrated database
 * for tests that touch whole tables. Thread-safe.
 */
public final class TestDatabase {
    public static final String URL_VARIABLE = "CUSTODIAN_TEST_DATABASE_URL";

    private static Server server;
    private static DataSource shared;

    private TestDatabase() {
    }

    /** Where the test databases live: a JDBC URL template ending in a database name, and credentials. */
    private record Server(String baseUrl, Optional<String> user, Optional<String> password) {
        String urlFor(String database) {
            int slash = baseUrl.lastIndexOf('/');
            int query = baseUrl.indexOf('?', slash);
            return baseUrl.substring(0, slash + 1) + database + (query < 0 ? "" : baseUrl.substring(query));
        }

        Connection connect(String database) throws SQLException {
            Properties properties = new Properties();
            user.ifPresent(u -> properties.setProperty("user", u));
            password.ifPresent(p -> properties.setProperty("password", p));
            return DriverManager.getConnection(urlFor(database), properties);
        }
    }

    public static synchronized DataSource shared() {
        if (shared == null) {
            shared = fresh();
        }
        return shared;
    }

    /** A new migrated database with no users; its pool is closed when the JVM exits. */
    public static synchronized DataSource fresh() {
        Server at = server();
        String name = createDatabase(at);
        Migrations.run(new DatabaseUrl(at.urlFor(name), at.user(), at.password()));
        HikariDataSource pool = pool(at, name);
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        return pool;
    }

    /** Where to reach a new database with nothing in it, not even the schema: for tests of migrating. */
    public static synchronized DatabaseUrl unmigrated() {
        Server at = server();
        return new DatabaseUrl(at.urlFor(createDatabase(at)), at.user(), at.password());
    }

    /**
     * A new database that Custodian never migrated, as another application's own: a pool over it
     * whose sessions search what an application's do (public), closed when the JVM exits.
     */
    public static synchronized DataSource application() {
        Server at = server();
        String jdbcUrl = at.urlFor(createDatabase(at));
        HikariDataSource pool = pool(jdbcUrl, new DatabaseUrl(jdbcUrl, at.user(), at.password()));
        Runtime.getRuntime().addShutdownHook(new Thread(pool::close));
        return pool;
    }

    private static String createDatabase(Server at) {
        String name = "custodian_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = at.connect("postgres"); var statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create test database " + name, e);
        }
        return name;
    }

    /** A database and two ways into it: as its owner, and as the server's administrator. */
    public record OwnedDatabase(DatabaseUrl owner, DatabaseUrl administrator) {
    }

    /**
     * A new, empty database owned by a new role that logs in with a password and is not a
     * superuser, as a managed PostgreSQL gives an application.
     */
    public static synchronized OwnedDatabase emptyDatabaseOfOrdinaryRole() {
        Server at = server();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String role = "custodian_app_" + suffix;
        String password = UUID.randomUUID().toString();
        try (Connection admin = at.connect("postgres"); var statement = admin.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER PASSWORD '" + password + "'");
            statement.execute("CREATE DATABASE " + role + " OWNER " + role);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create role and database " + role, e);
        }
        return new OwnedDatabase(new DatabaseUrl(withoutCredentials(at.urlFor(role)), Optional.of(role), Optional.of(password)),
                new DatabaseUrl(at.urlFor(role), at.user(), at.password()));
    }

    /**
     * The URL without the credentials it may carry. The URL may name the administrator (the
     * embedded server's does: ?user=postgres), and PgJDBC lets the URL's parameters win over the
     * credentials given beside it.
     */
    public static String withoutCredentials(String jdbcUrl) {
        return jdbcUrl.replaceAll("([?&])(user|password)=[^&]*&?", "$1").replaceAll("[?&]$", "");
    }

    /**
     * A pool over a port nothing listens on, which waits up to {@code connectionTimeout} for a
     * connection and then fails as when PostgreSQL is down. Close it when done.
     */
    public static HikariDataSource unreachable(Duration connectionTimeout) {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/nowhere");
        config.setUsername("nobody");
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /**
     * A second pool on the given data source's database, as another instance of the service
     * sharing it would have: its own sessions, so its own advisory locks and cached reads.
     */
    public static HikariDataSource anotherPool(DataSource dataSource) {
        var url = urlOf(dataSource);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url.jdbcUrl());
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /**
     * A small pool on {@code jdbcUrl} with {@code url}'s credentials: the URL as it is, with or
     * without Custodian's schema in its search path. Close it when done.
     */
    public static HikariDataSource pool(String jdbcUrl, DatabaseUrl url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }

    /** A connection URL and credentials for the given data source's database, for a plain JDBC client. */
    public static DatabaseUrl urlOf(DataSource dataSource) {
        HikariDataSource pool = (HikariDataSource) dataSource;
        return new DatabaseUrl(pool.getJdbcUrl(), Optional.ofNullable(pool.getUsername()),
                Optional.ofNullable(pool.getPassword()));
    }

    /** The data source's database as one JDBC URL with its credentials, for {@code --database-url} or the environment. */
    public static String urlWithCredentials(DataSource dataSource) {
        DatabaseUrl url = urlOf(dataSource);
        String query = url.user().map(user -> "user=" + user).orElse("")
                + url.password().map(password -> "&password=" + password).orElse("");
        return url.jdbcUrl() + (url.jdbcUrl().contains("?") ? "&" : "?") + query;
    }

    /**
     * The tests' own pool resolves Custodian's schema first, as the service's connections do, so
     * their SQL names tables as the service does; {@link #urlOf} carries that to the clients
     * built from it. A test of what a plain session sees connects without it.
     */
    private static HikariDataSource pool(Server at, String database) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(CustodianSchema.jdbcUrl(new DatabaseUrl(at.urlFor(database), at.user(), at.password())));
        at.user().ifPresent(config::setUsername);
        at.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(20);
        // Each database's pool lives until the JVM exits, so idle sessions are let go soon (Hikari's
        // shortest idle timeout): the suite's many databases share one server's connection limit.
        config.setMinimumIdle(0);
        config.setIdleTimeout(10_000);
        return new HikariDataSource(config);
    }

    private static Server server() {
        if (server == null) {
            String url = System.getenv(URL_VARIABLE);
            server = url == null || url.isBlank() ? embedded() : external(url);
        }
        return server;
    }

    private static Server external(String url) {
        DatabaseUrl parsed = DatabaseUrl.parse(URL_VARIABLE, url);
        return new Server(parsed.jdbcUrl(), parsed.user(), parsed.password());
    }

    private static Server embedded() {
        try {
            // Room for the suite's servers and pools at once; PostgreSQL's default is 100.
            EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
            return new Server(postgres.getJdbcUrl("postgres", "postgres"), Optional.of("postgres"), Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL for tests", e);
        }
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException ignored) {
            // the JVM is exiting; the temporary directory goes with it
        }
    }
}
