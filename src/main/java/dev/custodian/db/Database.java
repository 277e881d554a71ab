package dev.custodian.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database the service runs on: a connection pool over an external server, or over the
 * embedded one under the data directory, which {@code serve} starts and a command joins while
 * {@code serve} runs. Migrated on open. Close it once, at the end: the pool is closed first,
 * then an embedded server this process started is stopped. Thread-safe.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource pool;
    private final Optional<EmbeddedDatabase> embedded;

    private Database(HikariDataSource pool, Optional<EmbeddedDatabase> embedded) {
        this.pool = pool;
        this.embedded = embedded;
    }

    /**
     * For {@code serve}: connects (starting the embedded server when no URL is configured) and
     * runs migrations. An external server gets {@link Settings#databaseWait()} to accept a
     * first connection; the embedded one is refused when another {@code serve} runs on the data
     * directory.
     *
     * @throws dev.custodian.config.SettingsException when a setting must be corrected (unknown
     *         database or role, wrong password)
     * @throws DatabaseUnavailableException when the server stayed out of reach, or the data
     *         directory is served or kept busy by another Custodian
     */
    public static Database openForServing(Settings settings) {
        return open(settings, dataDir -> EmbeddedDatabase.start(dataDir, settings.databaseWait()));
    }

    /**
     * For a command: as {@link #openForServing}, except that without a URL it uses the embedded
     * database of the {@code serve} running on the data directory ({@link #joinedServer()}),
     * and starts one for itself, stopped at close, only when no server runs there. A command
     * that started its own waits for another command that did, up to
     * {@link Settings#databaseWait()}.
     */
    public static Database open(Settings settings) {
        return open(settings, dataDir -> EmbeddedDatabase.startOrJoin(dataDir, settings.databaseWait()));
    }

    private static Database open(Settings settings, Function<Path, EmbeddedDatabase> embeddedServer) {
        settings.databaseUrl().ifPresent(url -> FirstConnection.await(url, settings.databaseWait()));
        Optional<EmbeddedDatabase> embedded = settings.databaseUrl().isPresent()
                ? Optional.empty()
                : Optional.of(embeddedServer.apply(settings.dataDir()));
        try {
            DatabaseUrl url = settings.databaseUrl().orElseGet(() -> embedded.orElseThrow().url());
            log.info("database: {}, a pool of {} connections", url, settings.poolSize());
            HikariDataSource pool = pool(url, settings.poolSize(), settings.statementTimeout());
            // A migration may rewrite a whole table: it runs on connections of its own, outside
            // the pool's statement timeout.
            Migrations.run(url);
            return new Database(pool, embedded);
        } catch (RuntimeException e) {
            embedded.ifPresent(EmbeddedDatabase::close);
            throw e;
        }
    }

    static HikariDataSource pool(DatabaseUrl url, int size, Duration statementTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("custodian");
        // Every statement of the service names Custodian's tables and functions without a schema.
        config.setJdbcUrl(CustodianSchema.jdbcUrl(url));
        url.user().ifPresent(config::setUsername);
        url.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 4));
        config.setConnectionTimeout(5_000);
        config.setInitializationFailTimeout(30_000);
        // Statements are prepared on the server after their first use; the JSON written by a
        // request travels as a text parameter and is cast in SQL.
        config.addDataSourceProperty("prepareThreshold", "1");
        config.addDataSourceProperty("ApplicationName", "custodian");
        // No statement may hold a connection without end (a lock never released, a runaway
        // query): each is cancelled after the timeout, SQLSTATE 57014, answered as a 503. Work
        // that legitimately runs long (backups, restores) lifts it with SET LOCAL.
        config.setConnectionInitSql("SET statement_timeout = " + statementTimeout.toMillis());
        // PostgreSQL's DETAIL and CONTEXT can quote the values of a failed statement (the JSON
        // of a request, a failing row): keep them out of exception messages, and so out of logs.
        // The fields stay readable through PSQLException.getServerErrorMessage().
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The embedded server's data directory, when this database is embedded. */
    public Optional<Path> embeddedDirectory() {
        return embedded.map(EmbeddedDatabase::directory);
    }

    /** The running {@code serve} whose embedded database this command uses, when it joined one. */
    public Optional<RunningServer> joinedServer() {
        return embedded.flatMap(EmbeddedDatabase::joined);
    }

    @Override
    public void close() {
        pool.close();
        embedded.ifPresent(EmbeddedDatabase::close);
    }
}
