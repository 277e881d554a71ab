package dev.custodian.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings settings = Settings.fromEnvironment(Map.of());

        assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.databaseUrl()).isEmpty();
        assertThat(settings.dataDir()).isEqualTo(Path.of("./custodian-data"));
        assertThat(settings.maxBodyBytes()).isEqualTo(1024 * 1024);
        assertThat(settings.defaultRegion()).isEqualTo("US");
        assertThat(settings.backupDir()).isEqualTo(Path.of("./custodian-data/backups"));
        assertThat(settings.backupEvery()).contains(Duration.ofHours(24));
        assertThat(settings.backupKeep()).isEqualTo(7);
        assertThat(settings.backupMaxAge()).contains(Duration.ofDays(30));
        assertThat(settings.databaseWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.statementTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.poolSize()).isEqualTo(Settings.defaultPoolSize(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void thePoolHasTwoConnectionsAProcessorAndTwoMoreFromFourToSixteen() {
        assertThat(Settings.defaultPoolSize(1)).isEqualTo(4);
        assertThat(Settings.defaultPoolSize(2)).isEqualTo(6);
        assertThat(Settings.defaultPoolSize(4)).isEqualTo(10);
        assertThat(Settings.defaultPoolSize(7)).isEqualTo(16);
        assertThat(Settings.defaultPoolSize(64)).isEqualTo(16);
        assertThat(Settings.fromEnvironment(Map.of(Settings.POOL_SIZE, "3")).poolSize()).isEqualTo(3);
    }

    @Test
    void postgresUrlsBecomeJdbcUrlsWithCredentials() {
        DatabaseUrl full = DatabaseUrl.parse("X", "postgresql://app:s%40cret@db.example:6543/users?sslmode=require");
        DatabaseUrl noPassword = DatabaseUrl.parse("X", "postgres://root@127.0.0.1/test");
        DatabaseUrl jdbc = DatabaseUrl.parse("X", "jdbc:postgresql://h/db?user=u");

        assertThat(full).isEqualTo(new DatabaseUrl("jdbc:postgresql://db.example:6543/users?sslmode=require",
                Optional.of("app"), Optional.of("s@cret")));
        assertThat(noPassword).isEqualTo(new DatabaseUrl("jdbc:postgresql://127.0.0.1/test", Optional.of("root"), Optional.empty()));
        assertThat(jdbc.jdbcUrl()).isEqualTo("jdbc:postgresql://h/db?user=u");
        assertThat(full.toString()).doesNotContain("cret");
        assertThat(DatabaseUrl.parse("X", "jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true").toString())
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    }

    @Test
    void databasePortsOutsideOneTo65535AreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> DatabaseUrl.parse("--database-url", "postgresql://u@h:99999/db"))
                .hasMessage("--database-url has port '99999'; a port is a number from 1 to 65535");
        assertThatThrownBy(() -> DatabaseUrl.parse("X", "jdbc:postgresql://h1:5432,h2:0/db"))
                .hasMessage("X has port '0'; a port is a number from 1 to 65535");
        assertThatThrownBy(() -> DatabaseUrl.parse("X", "postgresql://u@h:port/db")).hasMessageStartingWith("X must name a host");
        assertThat(DatabaseUrl.parse("X", "jdbc:postgresql://[::1]:6543,h2/db").jdbcUrl())
                .isEqualTo("jdbc:postgresql://[::1]:6543,h2/db");
    }

    @Test
    void theBackupMaxAgeTakesAnIntervalOrOff() {
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_MAX_AGE", "90d")).backupMaxAge())
                .contains(Duration.ofDays(90));
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_MAX_AGE", "off")).backupMaxAge()).isEmpty();
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_MAX_AGE", "a month")))
                .hasMessage("CUSTODIAN_BACKUP_MAX_AGE must be 'off' or an interval such as 30m, 6h or 1d, got 'a month'");
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_HTTP_PORT", "eighty")))
                .hasMessageContaining("CUSTODIAN_HTTP_PORT");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_DATABASE_URL", "mysql://x")))
                .hasMessageContaining("CUSTODIAN_DATABASE_URL");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_EVERY", "sometimes")))
                .hasMessageContaining("CUSTODIAN_BACKUP_EVERY");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_DEFAULT_REGION", "USA")))
                .hasMessageContaining("CUSTODIAN_DEFAULT_REGION");
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_DB_WAIT", "a while")))
                .hasMessageContaining("CUSTODIAN_DB_WAIT");
    }

    @Test
    void sizesAndIntervalsHaveUnits() {
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_MAX_BODY", "2m")).maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_EVERY", "off")).backupEvery()).isEmpty();
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_BACKUP_EVERY", "90s")).backupEvery())
                .contains(Duration.ofSeconds(90));
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_DB_WAIT", "off")).databaseWait()).isZero();
    }

    @Test
    void historyIsKeptWholeUnlessARetentionInDaysIsGiven() {
        assertThat(Settings.fromEnvironment(Map.of()).historyKeep()).isEmpty();
        assertThat(Settings.fromEnvironment(Map.of()).historyCompactEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_HISTORY_KEEP", "400d")).historyKeep())
                .contains(Duration.ofDays(400));
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_HISTORY_COMPACT_EVERY", "10m")).historyCompactEvery())
                .isEqualTo(Duration.ofMinutes(10));
        for (String bad : new String[] {"400m", "400", "0d", "1y", "forever", "-5d"}) {
            assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_HISTORY_KEEP", bad)))
                    .as(bad).isInstanceOf(SettingsException.class)
                    .hasMessage("CUSTODIAN_HISTORY_KEEP must be a number of days such as 400d (leave it unset to keep"
                            + " all history), got '" + bad + "'");
        }
        assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_HISTORY_COMPACT_EVERY", "off")))
                .hasMessageContaining("CUSTODIAN_HISTORY_COMPACT_EVERY");
    }

    @Test
    void theStatementTimeoutIsAPositiveTimeOfAtMostADay() {
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_STATEMENT_TIMEOUT", "500ms")).statementTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.fromEnvironment(Map.of("CUSTODIAN_STATEMENT_TIMEOUT", "2m")).statementTimeout())
                .isEqualTo(Duration.ofMinutes(2));
        for (String bad : new String[] {"off", "0", "0s", "5", "soon", "-1s", "25h", "99999999999999999999s"}) {
            assertThatThrownBy(() -> Settings.fromEnvironment(Map.of("CUSTODIAN_STATEMENT_TIMEOUT", bad)))
                    .as(bad).isInstanceOf(SettingsException.class).hasMessageContaining("CUSTODIAN_STATEMENT_TIMEOUT");
        }
        assertThatThrownBy(() -> Settings.duration("--statement-timeout", "soon"))
                .isInstanceOf(SettingsException.class).hasMessageContaining("--statement-timeout");
    }
}
