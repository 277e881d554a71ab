package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The service role, custodian_service: the migrations make the service's login role a member
 * where they may, and where they may not the service still starts, says so, and history
 * records the service's own changes as unproven (source sql, the token as claimedActor) until
 * an administrator grants the membership, which takes effect without a restart.
 */
class ServiceRoleTest {

    @Test
    void aRoleThatMayNotJoinTheServiceRoleIsToldAndItsWritesAreUnprovenUntilAnAdministratorGrantsIt() throws Exception {
        TestDatabase.shared(); // custodian_service exists in the cluster, created by another database's migration
        TestDatabase.OwnedDatabase database = TestDatabase.emptyDatabaseOfOrdinaryRole();
        String role = database.owner().user().orElseThrow();

        List<String> warnings = serviceRoleWarningsOfMigrating(database.owner());

        assertThat(warnings).containsExactly("the service role is off: role '" + role + "' is not a member of"
                + " custodian_service and may not make itself one, so history cannot tell the service's changes from"
                + " other SQL: it records every change as source sql, actor sql:" + role + ", with the token only as"
                + " claimedActor; an administrator can run GRANT custodian_service TO " + role + " (docs/access.md)");
        // Pool of 4: a scheduled backup at start holds two connections (its lock's and its work's) for a while.
        try (HikariDataSource pool = Database.pool(database.owner(), 4, Duration.ofSeconds(5));
             HikariDataSource administrator = Database.pool(database.administrator(), 1, Duration.ofSeconds(5));
             TestServer server = TestServer.start(pool, settings -> settings)) {
            JsonNode ready = readiness(server);
            assertThat(ready.get("status").asText()).isEqualTo("degraded");
            assertThat(ready.get("serviceRole").asText()).isEqualTo("off");
            assertThat(ready.get("warnings").toString()).contains("role '" + role + "' is not a member of custodian_service");
            long id = server.postJson("/users", "{\"name\": \"Unproven\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}")
                    .json().get("id").asLong();
            JsonNode unproven = history(server, id).get(0);
            assertThat(unproven.get("source").asText()).isEqualTo("sql");
            assertThat(unproven.get("actor").asText()).isEqualTo("sql:" + role);
            assertThat(unproven.get("claimedActor").asText()).startsWith("token:writer-");

            try {
                TestSql.execute(administrator, "GRANT custodian_service TO " + role);

                assertThat(readiness(server).get("serviceRole").asText()).isEqualTo("on");
                assertThat(readiness(server).get("warnings").toString()).doesNotContain("custodian_service");
                assertThat(server.mergePatch("/users/" + id, "{\"name\": \"Proven\"}").status()).isEqualTo(200);
                JsonNode proven = history(server, id).get(0);
                assertThat(proven.get("source").asText()).isEqualTo("api");
                assertThat(proven.get("actor").asText()).startsWith("token:writer-");
                assertThat(proven.get("claimedActor").isNull()).isTrue();
                assertThat(history(server, id).get(1)).as("recorded history is not rewritten").isEqualTo(unproven);
                assertThat(serviceRoleWarningsOfMigrating(database.owner())).isEmpty();
            } finally {
                TestSql.execute(administrator, "REVOKE custodian_service FROM " + role);
            }
        }
    }

    @Test
    void databasesOfOneClusterMigratingAtOnceShareOneServiceRoleCreatedByTheFirst() throws Exception {
        try (EmbeddedPostgres cluster = EmbeddedPostgres.builder().start()) {
            String migrator = "custodian_migrator";
            List<DatabaseUrl> databases = new ArrayList<>();
            try (Connection admin = cluster.getPostgresDatabase().getConnection(); Statement statement = admin.createStatement()) {
                // Not a superuser: it may create roles, so it creates custodian_service and becomes a member.
                statement.execute("CREATE ROLE " + migrator + " LOGIN CREATEROLE PASSWORD 'secret'");
                for (int i = 0; i < 4; i++) {
                    statement.execute("CREATE DATABASE service_role_" + i + " OWNER " + migrator);
                    databases.add(new DatabaseUrl(TestDatabase.withoutCredentials(cluster.getJdbcUrl("postgres", "service_role_" + i)),
                            Optional.of(migrator), Optional.of("secret")));
                }
            }
            var start = new CountDownLatch(1);
            List<CompletableFuture<Void>> migrations = databases.stream().map(url -> CompletableFuture.runAsync(() -> {
                awaitQuietly(start);
                Migrations.run(url);
            })).toList();
            start.countDown();
            CompletableFuture.allOf(migrations.toArray(CompletableFuture[]::new)).get();

            for (DatabaseUrl url : databases) {
                try (Connection connection = DriverManager.getConnection(CustodianSchema.jdbcUrl(url), migrator, "secret");
                     Statement statement = connection.createStatement();
                     var row = statement.executeQuery("SELECT custodian_session_is_service(), session_user,"
                             + " (SELECT count(*) FROM pg_roles WHERE rolname = 'custodian_service')")) {
                    row.next();
                    assertThat(row.getBoolean(1)).as("%s is the service in %s", row.getString(2), url).isTrue();
                    assertThat(row.getLong(3)).isEqualTo(1);
                }
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode history(TestServer server, long id) {
        HttpResponse history = server.get("/users/" + id + "/history");
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        return history.json().get("items");
    }

    /** The WARN lines about the service role that migrating (what every start does) logs. */
    private static List<String> serviceRoleWarningsOfMigrating(DatabaseUrl url) {
        return DdlGuardWithoutSuperuserTest.warningsOfMigrating(url).stream()
                .filter(message -> message.startsWith("the service role"))
                .toList();
    }

    private static JsonNode readiness(TestServer server) {
        HttpResponse ready = server.request("GET", "/health/ready").token(null).send();
        assertThat(ready.status()).as(ready.body()).isEqualTo(200);
        return ready.json();
    }
}
