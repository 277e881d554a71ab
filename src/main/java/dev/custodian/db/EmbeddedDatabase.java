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
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from the binaries shipped on Maven Central, keeping its data in the
 * data directory across restarts ({@link EmbeddedLayout}). It is as durable as a production
 * server and asks every client for the superuser's password. Not thread-safe; owned by
 * {@link Database}, which stops it.
 */
final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Crash recovery after a kill replays the WAL before the server accepts connections. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);

    private final EmbeddedPostgres postgres;
    private final EmbeddedLayout layout;
    private final String password;

    private EmbeddedDatabase(EmbeddedPostgres postgres, EmbeddedLayout layout, String password) {
        this.postgres = postgres;
        this.layout = layout;
        this.password = password;
    }

    static EmbeddedDatabase start(Path dataDir) {
        var layout = new EmbeddedLayout(dataDir);
        try {
            Files.createDirectories(dataDir, ownerOnly());
            createPrivateDirectory(layout.binaries());
            OrphanedServer.stopIfRunning(layout.cluster());
            String password = EmbeddedPassword.readOrCreate(layout);
            log.info("starting embedded PostgreSQL in {}", layout.cluster().toAbsolutePath());
            EmbeddedPostgres postgres = configure(layout, password).start();
            try {
                EmbeddedPassword.requireForTrustingCluster(layout, postgres.getPostgresDatabase(), password);
                Files.setPosixFilePermissions(layout.unpackInto(), OWNER_ONLY);
            } catch (IOException | SQLException | RuntimeException e) {
                postgres.close();
                throw e;
            }
            return new EmbeddedDatabase(postgres, layout, password);
        } catch (IOException e) {
            throw cannotStart(layout, e);
        } catch (SQLException | IllegalStateException e) {
            // The library reports a failed initdb or pg_ctl as IllegalStateException.
            throw cannotStart(layout, new IOException(e.getMessage(), e));
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
        return new DatabaseUrl(postgres.getJdbcUrl(EmbeddedPassword.SUPERUSER, "postgres"),
                Optional.of(EmbeddedPassword.SUPERUSER), Optional.of(password));
    }

    Path directory() {
        return layout.cluster();
    }

    @Override
    public void close() {
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
