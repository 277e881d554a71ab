package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where the service's database role may not create event triggers (not a superuser, as on a
 * managed PostgreSQL), the migrations run without the DDL guard, the service says so in one
 * WARN line at start, and readiness reports it as degraded, not as broken. One start as a
 * superuser installs it, owned by the superuser, and from then on it guards that role too.
 */
class DdlGuardWithoutSuperuserTest {
    private static final String NAME_NULLABLE = "ALTER TABLE users ALTER name DROP NOT NULL";

    @Test
    void anOrdinaryRoleMigratesWithoutTheGuardIsToldWhatIsNotProtectedAndASuperuserInstallsIt() throws Exception {
        TestDatabase.OwnedDatabase database = TestDatabase.emptyDatabaseOfOrdinaryRole();
        String role = database.owner().user().orElseThrow();
        // As an administrator of a managed PostgreSQL does once (docs/access.md), so that the DDL
        // guard is the one protection the role lacks; ServiceRoleTest covers the other.
        TestDatabase.shared();
        try (HikariDataSource administrator = Database.pool(database.administrator(), 1, java.time.Duration.ofSeconds(5))) {
            TestSql.execute(administrator, "GRANT custodian_service TO " + role);
        }

        List<String> warnings = warningsOfMigrating(database.owner());

        assertThat(warnings).singleElement().asString()
                .startsWith("the DDL guard is off: role '" + role + "' may not create event triggers (only a superuser may)")
                .contains("does not refuse DROP or ALTER of Custodian's tables and functions");
        try (HikariDataSource pool = Database.pool(database.owner(), 2, java.time.Duration.ofSeconds(5));
             TestServer server = TestServer.start(pool, settings -> settings)) {
            assertThat(TestSql.count(pool, "SELECT count(*) FROM pg_event_trigger")).isZero();
            JsonNode ready = readiness(server);
            assertThat(ready.get("status").asText()).isEqualTo("degraded");
            assertThat(ready.get("schema").asText()).isEqualTo("ok");
            assertThat(ready.get("ddlGuard").asText()).isEqualTo("off");
            assertThat(ready.get("warnings").get(0).asText()).contains("role '" + role + "' may not create event triggers");
            // What the warning says is true: this role's DDL goes through.
            TestSql.rolledBack(pool, NAME_NULLABLE);
        }

        assertThat(warningsOfMigrating(database.administrator())).isEmpty();
        assertThat(warningsOfMigrating(database.owner())).isEmpty();

        try (HikariDataSource pool = Database.pool(database.owner(), 2, java.time.Duration.ofSeconds(5));
             TestServer server = TestServer.start(pool, settings -> settings)) {
            JsonNode ready = readiness(server);
            assertThat(ready.get("status").asText()).isEqualTo("ok");
            assertThat(ready.get("ddlGuard").asText()).isEqualTo("on");
            assertThat(TestSql.refusal(pool, NAME_NULLABLE).getSQLState()).isEqualTo(DatabaseErrors.DDL_REFUSED);
            // The guard's functions run with the rights of whoever issues DDL, superusers included:
            // the role may not replace them, even when it declares its DDL.
            assertThat(TestSql.refusal(pool, "SET LOCAL custodian.allow_ddl = 'on'",
                    "CREATE OR REPLACE FUNCTION custodian_ddl_guard.allowed() RETURNS boolean LANGUAGE sql AS 'SELECT true'")
                    .getSQLState()).isEqualTo("42501");
        }
    }

    /** The WARN lines that migrating (what every start does) logs. */
    static List<String> warningsOfMigrating(DatabaseUrl url) {
        Logger logger = (Logger) LoggerFactory.getLogger(Migrations.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            Migrations.run(url);
        } finally {
            logger.detachAppender(log);
        }
        return log.list.stream().filter(event -> event.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static JsonNode readiness(TestServer server) {
        HttpResponse ready = server.request("GET", "/health/ready").token(null).send();
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        return ready.json();
    }
}
