package dev.custodian.db;

import dev.custodian.config.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of a data directory ({@link EmbeddedLayout}), run from the binaries
 * shipped on Maven Central and keeping its data there across restarts, as this process uses
 * it: a server it started, or the one a running {@code serve} started there, which a command
 * joins instead of starting another. A server started here is as durable as a production one
 * and asks every client for the superuser's password. The processes of one data directory take
 * turns ({@link TurnLock}) to start, join and stop it. Not thread-safe; owned by
 * {@link Database}, which closes it.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Crash recovery after a kill replays the WAL before the server accepts connections. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);
    /** How long serve's stop waits for a command that is joining its server; then it stops the server anyway. */
    private static final Duration STOP_TURN_WAIT = Duration.ofSeconds(10);

    private final EmbeddedLayout layout;
    private final DatabaseUrl url;
    private final Optional<RunningServer> joined;
    private final Runnable stop;

    private EmbeddedDatabase(EmbeddedLayout layout, DatabaseUrl url, Optional<RunningServer> joined, Runnable stop) {
        this.layout = layout;
        this.url = url;
        this.joined = joined;
        this.stop = stop;
    }

    /**
     * For {@code serve}: starts the server and keeps it until closed, taking the turn again to
     * stop it. Refuses a data directory another {@code serve} runs on.
     */
    static EmbeddedDatabase start(Path dataDir, Duration wait) {
        return open(dataDir, wait, false);
    }

    /**
     * For a command: joins the server a {@code serve} runs on the data directory, or else starts
     * one for this process alone and keeps the turn until it has stopped it again.
     */
    static EmbeddedDatabase startOrJoin(Path dataDir, Duration wait) {
        return open(dataDir, wait, true);
    }

    private static EmbeddedDatabase open(Path dataDir, Duration wait, boolean forCommand) {
        var layout = new EmbeddedLayout(dataDir);
        try {
            Files.createDirectories(dataDir, ownerOnly());
            TurnLock turn = TurnLock.take(layout, wait);
            boolean keepTurn = false;
            try {
                if (LockFiles.isHeld(layout.serverLock())) {
                    var running = new RunningServer(dataDir, turn.starter());
                    if (!forCommand) {
                        throw new DatabaseUnavailableException(running.description()
                                + " already serves this data directory; stop it first, or serve another one (--data-dir)");
                    }
                    return join(layout, running);
                }
                EmbeddedDatabase started = startOwn(layout, turn, forCommand);
                keepTurn = forCommand;
                return started;
            } finally {
                if (!keepTurn) {
                    turn.close();
                }
            }
        } catch (IOException e) {
            throw cannotStart(layout, e);
        } catch (SQLException | IllegalStateException e) {
            // The library reports a failed initdb or pg_ctl as IllegalStateException.
            throw cannotStart(layout, new IOException(e.getMessage(), e));
        }
    }

    /**
     * Starts this process's own server, holding the turn. A command's server is stopped before
     * the turn is given on; serve gives the turn on now and takes it again to stop its server.
     */
    private static EmbeddedDatabase startOwn(EmbeddedLayout layout, TurnLock turn, boolean forCommand)
            throws IOException, SQLException {
        OrphanedServer.stopIfRunning(layout);
        turn.recordStarter();
        String password = EmbeddedPassword.readOrCreate(layout);
        createPrivateDirectory(layout.binaries());
        log.info("starting embedded PostgreSQL in {}", layout.cluster().toAbsolutePath());
        EmbeddedPostgres postgres = configure(layout, password).start();
        try {
            EmbeddedPassword.requireForTrustingCluster(layout, postgres.getPostgresDatabase(), password);
            Files.setPosixFilePermissions(layout.unpackInto(), OWNER_ONLY);
        } catch (IOException | SQLException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        var url = new DatabaseUrl(postgres.getJdbcUrl(EmbeddedPassword.SUPERUSER, "postgres"),
                Optional.of(EmbeddedPassword.SUPERUSER), Optional.of(password));
        return new EmbeddedDatabase(layout, url, Optional.empty(),
                forCommand ? () -> stopThenGiveTurn(postgres, turn) : () -> stopInTurn(layout, postgres));
    }

    /**
     * Connects to the server another process started, at the port and address its
     * postmaster.pid names, with the password of the data directory; one try, as that server
     * has finished starting whenever a process may take the turn.
     */
    private static EmbeddedDatabase join(EmbeddedLayout layout, RunningServer running) throws IOException {
        PostmasterPid postmaster = PostmasterPid.read(layout.postmasterPid())
                .orElseThrow(() -> new DatabaseUnavailableException(running.description()
                        + " holds its embedded database, but no PostgreSQL runs there; restart that server"));
        var url = new DatabaseUrl("jdbc:postgresql://" + postmaster.listenAddress().orElse("localhost") + ":"
                + postmaster.port() + "/postgres", Optional.of(EmbeddedPassword.SUPERUSER),
                Optional.of(EmbeddedPassword.read(layout)));
        try (Connection ignored = FirstConnection.connect(url)) {
            return new EmbeddedDatabase(layout, url, Optional.of(running), () -> { });
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not connect to the database of " + running.description()
                    + " on port " + postmaster.port() + " (" + FirstConnection.reason(e) + ")");
        }
    }

    private static UncheckedIOException cannotStart(EmbeddedLayout layout, IOException cause) {
        return new UncheckedIOException("could not start the embedded PostgreSQL in " + layout.cluster(), cause);
    }

    private static EmbeddedPostgres.Builder configure(EmbeddedLayout layout, String password) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(layout.cluster())
                .setCleanDataDirectory(false)
                .setOverrideWorkingDirectory(layout.unpackInto().toFile())
                .setPgBinaryResolver(new BundledBinaries(layout.unpackInto()))
                .setPGStartupWait(STARTUP_WAIT)
                // Database.close stops the server after the HTTP server and the pool; the library's
                // own hook would stop it at the same time as in-flight requests finish.
                .setRegisterShutdownHook(false)
                // The library's defaults are for throw-away test databases: it starts the server
                // with -F (fsync off) and synchronous_commit off, so a kill loses acknowledged
                // commits and a power loss can corrupt the cluster. -c options come after -F and win.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                // The library runs initdb with -A trust and appends these "locale" options as
                // --name=value: the later --auth wins, so a new cluster never trusts anyone.
                .setLocaleConfig("auth", EmbeddedPassword.METHOD)
                .setLocaleConfig("pwfile", layout.passwordFile().toAbsolutePath().toString())
                .setConnectConfig("password", password);
    }

    /**
     * A directory only its owner may enter, whatever it was before: the binaries in it are run
     * by the service, so nobody else may replace them.
     */
    private static void createPrivateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory, ownerOnly());
        Files.setPosixFilePermissions(directory, OWNER_ONLY);
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }

    DatabaseUrl url() {
        return url;
    }

    Path directory() {
        return layout.cluster();
    }

    /** The server this process joined, when it did not start one. */
    Optional<RunningServer> joined() {
        return joined;
    }

    /** Stops the server if this process started it; a joined server keeps running. */
    @Override
    public void close() {
        stop.run();
    }

    /** A command's own server: the next process waiting for the turn finds it stopped. */
    private static void stopThenGiveTurn(EmbeddedPostgres postgres, TurnLock turn) {
        stopQuietly(postgres);
        try {
            turn.close();
        } catch (IOException e) {
            log.warn("could not release the turn lock of the embedded database: {}", e.getMessage());
        }
    }

    /**
     * serve's server: a command arriving while it stops waits for the turn, then starts its
     * own server, instead of joining one that is going away.
     */
    private static void stopInTurn(EmbeddedLayout layout, EmbeddedPostgres postgres) {
        try (TurnLock ignored = TurnLock.take(layout, STOP_TURN_WAIT)) {
            stopQuietly(postgres);
        } catch (IOException | DatabaseUnavailableException e) {
            log.warn("stopping the embedded PostgreSQL without its turn: {}", e.getMessage());
            stopQuietly(postgres);
        }
    }

    private static void stopQuietly(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly", e);
        }
    }

    /**
     * The binaries bundled in the jar. The library caches unpacked binaries per resolver for
     * the life of the JVM; one resolver per directory keeps each data directory on its own.
     */
    private record BundledBinaries(Path unpackInto) implements PgBinaryResolver {
        @Override
        public InputStream getPgBinary(String system, String machineHardware) throws IOException {
            return DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(system, machineHardware);
        }
    }
}
