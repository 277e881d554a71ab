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
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Where the service's database role may not create event triggers (not a superuser, as on a
 * managed PostgreSQL), the migrations run without the DDL guard, the service says so in one
 * WARN line at start, and readiness reports it as degraded, not as broken.
 */
class DdlGuardWithoutSuperuserTest {

    @Test
    void anOrdinaryRoleMigratesWithoutTheGuardAndIsToldWhatIsNotProtected() throws Exception {
        DatabaseUrl url = TestDatabase.emptyDatabaseOfOrdinaryRole();
        String role = url.user().orElseThrow();
        Logger logger = (Logger) LoggerFactory.getLogger(Migrations.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            Migrations.run(url);
        } finally {
            logger.detachAppender(log);
        }

        assertThat(log.list).filteredOn(event -> event.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("the DDL guard is off: role '" + role + "' may not create event triggers (only a superuser may)")
                .contains("does not refuse DROP or ALTER of Custodian's tables and functions");
        try (HikariDataSource pool = Database.pool(url, 2); TestServer server = TestServer.start(pool, s -> s)) {
            assertThat(TestSql.count(pool, "SELECT count(*) FROM pg_event_trigger")).isZero();

            HttpResponse ready = server.request("GET", "/health/ready").token(null).send();

            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            JsonNode body = ready.json();
            assertThat(body.get("status").asText()).isEqualTo("degraded");
            assertThat(body.get("schema").asText()).isEqualTo("ok");
            assertThat(body.get("ddlGuard").asText()).isEqualTo("off");
            assertThat(body.get("warnings").get(0).asText()).contains("role '" + role + "' may not create event triggers");
            // What the warning says is true: this role's own DDL goes through.
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                statement.execute("ALTER TABLE users ALTER name DROP NOT NULL");
                connection.rollback();
            }
        }
    }
}
