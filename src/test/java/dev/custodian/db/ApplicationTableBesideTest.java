package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Custodian started on an application's database that already has its own {@code public.users},
 * exactly as the classic Express + Sequelize service creates it: Custodian migrates into its own
 * schema and serves its own users beside it; the application's table keeps its rows and gets no
 * trigger, and the application's own connection (default search path) updates, alters and drops
 * it as before, while the same connection is refused when it reaches into Custodian's tables.
 */
class ApplicationTableBesideTest {
    /** What Sequelize's sync() sends for the classic service's model (../shared/peers/classic-express). */
    private static final String SEQUELIZE_USERS = """
            CREATE TABLE IF NOT EXISTS "users" ("id" SERIAL , "name" VARCHAR(255), "email" VARCHAR(255), "data" JSON,
            "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY ("id"))""";
    private static final String SEQUELIZE_INSERT = """
            INSERT INTO "users" ("id","name","email","data","createdAt","updatedAt") VALUES (DEFAULT,?,?,?::json,now(),now())
            RETURNING "id\"""";
    private static final String APP_ROWS = "SELECT json_agg(u ORDER BY u.id)::text FROM public.users AS u";

    private static HikariDataSource application;
    private static HikariDataSource custodian;
    private static TestServer server;
    private static String appRowsBefore;
    private static String appRowsOnceCustodianStarted;

    @BeforeAll
    static void theApplicationsTableExistsBeforeCustodianFirstStarts() throws SQLException {
        DatabaseUrl url = TestDatabase.unmigrated();
        application = TestDatabase.pool(url.jdbcUrl(), url);
        autocommit(application, SEQUELIZE_USERS);
        TestSql.value(application, SEQUELIZE_INSERT, "Alice", "alice@app.example", "{\"phone\": \"+14155550101\", \"tags\": [1]}");
        TestSql.value(application, SEQUELIZE_INSERT, "Bob", "bob@app.example", "{\"phone\": \"+14155550102\"}");
        appRowsBefore = TestSql.value(application, APP_ROWS).toString();

        Migrations.run(url);
        custodian = TestDatabase.pool(CustodianSchema.jdbcUrl(url), url);
        server = TestServer.start(custodian, settings -> settings);
        appRowsOnceCustodianStarted = TestSql.value(application, APP_ROWS).toString();
    }

    @AfterAll
    static void stop() {
        server.close();
        custodian.close();
        application.close();
    }

    @Test
    void custodianServesItsOwnUsersBesideTheApplicationsTableWhichKeepsItsRowsAndGetsNoTrigger() {
        long id = TestUsers.create(server, """
                {"name": "Carol", "email": "%s", "data": {"phone": "+14155550103"}}""".formatted(TestUsers.uniqueEmail()));
        HttpResponse patched = server.mergePatch("/users/" + id, "{\"data\": {\"city\": \"Oslo\"}}");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(server.get("/users/" + id + "/history").json().get("items").size()).isEqualTo(2);
        assertThat(TestSql.value(custodian, "SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = to_regclass('users')"))
                .isEqualTo("custodian");
        assertThat(appRowsOnceCustodianStarted).as("the application's rows").isEqualTo(appRowsBefore);
        assertThat(TestSql.count(application, "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.users'::regclass"))
                .as("triggers on the application's table").isZero();
        assertThat(TestSql.count(application, """
                SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
                   AND relname NOT IN ('users', 'users_pkey', 'users_id_seq')""")).as("Custodian's objects in public").isZero();
    }

    @Test
    void theApplicationsOwnConnectionUpdatesAltersAndDropsItsTableAsBefore() throws SQLException {
        assertThat(TestSql.count(application, """
                SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'custodian_ddl_guard_%' AND evtenabled = 'O'"""))
                .as("the DDL guard is installed (the test database's role is a superuser)").isEqualTo(3);
        long custodianUser = TestUsers.create(server, """
                {"name": "Dan", "email": "%s", "data": {"phone": "+14155550104"}}""".formatted(TestUsers.uniqueEmail()));
        String custodianUsers = TestSql.value(custodian, "SELECT json_agg(u ORDER BY u.id)::text FROM users AS u").toString();

        assertThat(autocommit(application, "UPDATE users SET data = '{}'::json")).as("a where-less update replacing every document")
                .isEqualTo(2);
        assertThat(autocommit(application, "UPDATE \"users\" SET \"data\"=?::json,\"updatedAt\"=now() WHERE \"id\" = 1",
                "{\"phone\": \"+14155550109\"}")).isEqualTo(1);
        autocommit(application, "ALTER TABLE users ADD COLUMN nickname varchar(255)");
        autocommit(application, "ALTER TABLE users ALTER COLUMN name SET NOT NULL");
        assertThat(TestSql.value(application, "SELECT data::text FROM users WHERE id = 1")).isEqualTo("{\"phone\": \"+14155550109\"}");

        assertThat(TestSql.value(custodian, "SELECT json_agg(u ORDER BY u.id)::text FROM users AS u"))
                .as("Custodian's users did not move").isEqualTo(custodianUsers);
        DatabaseUrl app = TestDatabase.urlOf(application);
        try (HikariDataSource later = TestDatabase.pool(app.jdbcUrl(), app)) {
            // A session of the application opened after Custodian's first start, as after a restart of the application.
            assertThat(refusal(later, "ALTER TABLE custodian.users ALTER name DROP NOT NULL").getSQLState())
                    .isEqualTo(DatabaseErrors.DDL_REFUSED);
        }
        assertThat(refusal(application, "UPDATE custodian.users SET data = '{}' WHERE id = ?", custodianUser).getSQLState())
                .as("the key-loss guard, from a session that does not look in Custodian's schema").isIn("CU001", "CU002");
        assertThat(autocommit(application, "UPDATE custodian.users SET name = 'Daniel' WHERE id = ?", custodianUser)).isOne();
        JsonNode entry = server.get("/users/" + custodianUser + "/history").json().get("items").get(0);
        assertThat(entry.get("source").asText()).isEqualTo("sql");
        assertThat(entry.get("changes").toString()).contains("/name", "Daniel");

        // What Sequelize's sync({ force: true }) sends (RESET=1 in the classic service).
        autocommit(application, "DROP TABLE IF EXISTS \"users\" CASCADE");
        autocommit(application, SEQUELIZE_USERS);
        assertThat(TestSql.count(custodian, "SELECT count(*) FROM users WHERE id = ?", custodianUser)).isOne();
    }
}
