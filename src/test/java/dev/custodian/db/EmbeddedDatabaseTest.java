package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.custodian.config.DatabaseUrl;
import dev.custodian.config.Settings;
import dev.custodian.config.SettingsException;
import dev.custodian.testing.EmbeddedCluster;
import dev.custodian.testing.TestSql;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default database is as durable as a production server and private to its owner: any
 * other local process must not bypass the tokens, guards and history by signing in to it.
 */
class EmbeddedDatabaseTest {

    @Test
    void theEmbeddedServerSyncsEveryCommitToDisk(@TempDir Path dataDir) {
        try (Database db = Database.open(settings(dataDir))) {
            for (String setting : new String[] {"fsync", "synchronous_commit", "full_page_writes"}) {
                assertThat(TestSql.value(db.dataSource(), "SHOW " + setting)).as(setting).isEqualTo("on");
            }
        }
    }

    @Test
    void aPasswordIsGeneratedAtFirstStartKeptPrivateAndRequiredOfEveryClient(@TempDir Path dataDir) throws Exception {
        try (Database db = Database.open(settings(dataDir))) {
            Path file = EmbeddedCluster.passwordFile(dataDir);
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(EmbeddedCluster.password(dataDir)).hasSizeGreaterThanOrEqualTo(32);

            assertRequiresThePassword(db.dataSource(), dataDir);
            try (Connection signedIn = EmbeddedCluster.connect(dataDir, "postgres", EmbeddedCluster.password(dataDir))) {
                assertThat(signedIn.isValid(5)).isTrue();
            }
        }
        String password = EmbeddedCluster.password(dataDir);
        try (Database again = Database.open(settings(dataDir))) {
            assertThat(EmbeddedCluster.password(dataDir)).as("kept across restarts").isEqualTo(password);
            assertThat(TestSql.count(again.dataSource(), "SELECT count(*) FROM users")).isZero();
        }
    }

    @Test
    void theBinariesRunFromADirectoryOnlyTheOwnerMayEnter(@TempDir Path dataDir) throws Exception {
        try (Database db = Database.open(settings(dataDir))) {
            Path binaries = dataDir.resolve("postgres-binaries");
            String postgres = EmbeddedCluster.postmaster(dataDir).info().command().orElseThrow();

            assertThat(Path.of(postgres)).startsWith(binaries.toRealPath());
            assertThat(Files.getPosixFilePermissions(binaries)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            try (var unpacked = Files.list(binaries)) {
                assertThat(unpacked.toList()).allSatisfy(directory -> assertThat(Files.getPosixFilePermissions(directory))
                        .isEqualTo(PosixFilePermissions.fromString("rwx------")));
            }
        }
    }

    @Test
    void aDataDirectoryCreatedWhenEveryoneWasTrustedIsMovedToThePasswordAndKeepsItsData(@TempDir Path dataDir)
            throws Exception {
        createTrustingCluster(dataDir.resolve("postgres"));
        assertThat(EmbeddedCluster.passwordFile(dataDir)).doesNotExist();

        try (Database db = Database.open(settings(dataDir))) {
            assertThat(TestSql.value(db.dataSource(), "SELECT name FROM users WHERE email = 'kept@example.com'")).isEqualTo("Kept");
            assertThat(Files.getPosixFilePermissions(EmbeddedCluster.passwordFile(dataDir)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertRequiresThePassword(db.dataSource(), dataDir);
        }
        try (Database again = Database.open(settings(dataDir))) {
            assertThat(TestSql.value(again.dataSource(), "SELECT name FROM users WHERE email = 'kept@example.com'")).isEqualTo("Kept");
        }
    }

    @Test
    void aMissingPasswordFileIsNamedInsteadOfGuessed(@TempDir Path dataDir) throws Exception {
        Database.open(settings(dataDir)).close();
        Files.delete(EmbeddedCluster.passwordFile(dataDir));

        assertThatThrownBy(() -> Database.open(settings(dataDir)).close())
                .isInstanceOf(SettingsException.class)
                .hasMessageContaining(EmbeddedCluster.passwordFile(dataDir).toString())
                .hasMessageContaining("restore");
        assertThat(EmbeddedCluster.passwordFile(dataDir)).doesNotExist();
    }

    /** No rule trusts anyone, and a wrong or missing password is refused over TCP. */
    private static void assertRequiresThePassword(DataSource db, Path dataDir) {
        assertThat(TestSql.rows(db, "SELECT DISTINCT type, auth_method FROM pg_hba_file_rules ORDER BY type"))
                .extracting(row -> row.get("type") + " " + row.get("auth_method"))
                .containsExactly("host scram-sha-256", "local scram-sha-256");
        assertThatThrownBy(() -> EmbeddedCluster.connect(dataDir, "postgres", "wrong").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
        assertThatThrownBy(() -> EmbeddedCluster.connect(dataDir, "postgres", null).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
    }

    /** A data directory as earlier versions left it: the library's defaults (everyone trusted), migrated, one user. */
    private static void createTrustingCluster(Path cluster) throws Exception {
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(cluster).setCleanDataDirectory(false).start()) {
            Migrations.run(new DatabaseUrl(old.getJdbcUrl("postgres", "postgres"), Optional.of("postgres"), Optional.empty()));
            TestSql.execute(old.getPostgresDatabase(), "INSERT INTO custodian.users (name, email) VALUES ('Kept', 'kept@example.com')");
        }
    }

    private static Settings settings(Path dataDir) {
        return Settings.fromEnvironment(Map.of(Settings.DATA_DIR, dataDir.toString()));
    }
}
