package dev.custodian.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.util.PSQLException;

/**
 * The DDL guard as any client of the database meets it: DROP and ALTER of Custodian's tables,
 * triggers and functions are refused with SQLSTATE CU003 unless the transaction confirmed them,
 * and other applications' objects are left alone. On its own database, because a confirmed
 * change here changes the schema until it is rolled back.
 */
class DdlGuardTest {
    private static final String HINT =
            "If the change is intended, run SET LOCAL custodian.allow_ddl = 'on' in the same transaction first.";
    /** Everything the guard protects that a refused command could have changed, as one value. */
    private static final String SCHEMA_FINGERPRINT = """
            SELECT md5(string_agg(part, ',' ORDER BY part)) FROM (
                SELECT 'column ' || attrelid::regclass || '.' || attname || ' ' || format_type(atttypid, atttypmod)
                       || CASE WHEN attnotnull THEN ' not null' ELSE '' END
                  FROM pg_attribute
                 WHERE attrelid IN ('users'::regclass, 'user_changes'::regclass, 'api_tokens'::regclass)
                   AND attnum > 0 AND NOT attisdropped
                UNION ALL SELECT 'trigger ' || tgname || ' ' || tgenabled::text FROM pg_trigger WHERE tgrelid = 'users'::regclass
                UNION ALL SELECT 'index ' || indexrelid::regclass FROM pg_index WHERE indrelid = 'users'::regclass
                UNION ALL SELECT 'rule ' || rulename FROM pg_rules WHERE tablename = 'users'
                UNION ALL SELECT 'function ' || oid::regprocedure || ' ' || md5(prosrc) FROM pg_proc
                           WHERE proname LIKE 'custodian\\_%' OR pronamespace = 'custodian_ddl_guard'::regnamespace
                UNION ALL SELECT 'domain constraint ' || contypid::regtype || ' ' || pg_get_constraintdef(oid)
                            FROM pg_constraint WHERE contypid <> 0
                UNION ALL SELECT 'schema ' || nspname FROM pg_namespace) AS s(part)
            """;

    private static DataSource database;

    @BeforeAll
    static void onItsOwnDatabase() {
        database = TestDatabase.fresh();
        assumeTrue((Boolean) TestSql.value(database, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"),
                "only a superuser may create event triggers, so the test database's role must be one");
        TestSql.execute(database, "INSERT INTO users (name, email, data) VALUES ('Ada', 'ada@example.com', '{\"a\": 1}')");
    }

    @Test
    void dropTableUsersCascadeIsRefusedNamingTheTableWithItsOwnSqlstateAndHint() {
        String before = fingerprint();

        PSQLException refused = TestSql.refusal(database, "DROP TABLE users CASCADE");

        assertThat(refused.getSQLState()).isEqualTo(DatabaseErrors.DDL_REFUSED);
        assertThat(refused.getServerErrorMessage().getMessage())
                .startsWith("DROP TABLE refused: table custodian.users is one of Custodian's objects (and ");
        assertThat(refused.getServerErrorMessage().getHint()).isEqualTo(HINT);
        JsonNode detail = TestSql.parse(refused.getServerErrorMessage().getDetail());
        assertThat(detail.get("command").asText()).isEqualTo("DROP TABLE");
        assertThat(detail.get("objects").toString()).contains("\"table custodian.users\"",
                "\"trigger users_50_history on custodian.users\"", "\"index custodian.users_email_key\"");
        assertThat(fingerprint()).isEqualTo(before);
        assertThat(TestSql.count(database, "SELECT count(*) FROM users WHERE email = 'ada@example.com'")).isOne();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ALTER TABLE users ALTER name DROP NOT NULL",
            "ALTER TABLE users ALTER email TYPE varchar(255)",
            "ALTER TABLE users DROP COLUMN data",
            "ALTER TABLE users DISABLE TRIGGER users_40_write",
            "ALTER TABLE users DISABLE TRIGGER ALL",
            "ALTER TABLE users RENAME TO users_old",
            "ALTER TABLE users ADD COLUMN \"createdAt\" timestamptz",
            "ALTER TABLE user_changes DROP CONSTRAINT user_changes_pkey",
            "ALTER DOMAIN custodian_entry_op DROP CONSTRAINT op_is_known",
            "ALTER DOMAIN custodian_entry_source ADD CONSTRAINT api_only CHECK (VALUE = 'api') NOT VALID",
            "DROP DOMAIN custodian_entry_operations CASCADE",
            "DROP TRIGGER users_50_history ON users",
            "DROP TABLE user_changes",
            "DROP TABLE api_tokens CASCADE",
            "DROP TABLE flyway_schema_history",
            "DROP SCHEMA custodian CASCADE",
            "DROP INDEX users_email_key",
            "ALTER INDEX users_email_key RENAME TO users_email",
            "DROP FUNCTION custodian_lost_paths(jsonb, jsonb, text)",
            "DROP FUNCTION custodian_write_row() CASCADE",
            "CREATE OR REPLACE FUNCTION custodian_merge_patch(target jsonb, patch jsonb) RETURNS jsonb"
                    + " LANGUAGE sql AS 'SELECT patch'",
            "ALTER FUNCTION custodian_time(timestamptz) RENAME TO custodian_clock",
            "ALTER FUNCTION custodian_user_json(users) VOLATILE",
            "DROP FUNCTION custodian_ddl_guard.guarded_objects()",
            "CREATE RULE swallow_updates AS ON UPDATE TO users DO INSTEAD NOTHING",
            "ALTER SCHEMA custodian RENAME TO elsewhere"})
    void changesOfCustodiansSchemaAreRefusedAndLeaveItAsItWas(String command) {
        String before = fingerprint();

        PSQLException refused = TestSql.refusal(database, command);

        assertThat(refused.getSQLState()).as(refused.getMessage()).isEqualTo(DatabaseErrors.DDL_REFUSED);
        assertThat(refused.getServerErrorMessage().getMessage()).contains(" refused: ", " is one of Custodian's objects");
        assertThat(refused.getServerErrorMessage().getHint()).isEqualTo(HINT);
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void aTransactionThatConfirmedMayChangeTheSchema() throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL custodian.allow_ddl = 'on'");
            statement.execute("ALTER TABLE users ALTER name DROP NOT NULL");
            statement.execute("DROP TRIGGER users_50_history ON users");

            assertThat(nameIsNotNull(statement)).isFalse();
            connection.rollback();
            assertThat(nameIsNotNull(statement)).isTrue();
        }
    }

    @Test
    void onlyExactlyOnConfirmsAndOnlyForItsOwnTransaction() throws SQLException {
        for (String value : List.of("true", "ON", "on ", "1", "")) {
            PSQLException refused = TestSql.refusal(database, "SET LOCAL custodian.allow_ddl = '" + value + "'",
                    "ALTER TABLE users ALTER name DROP NOT NULL");
            assertThat(refused.getSQLState()).as(value).isEqualTo(DatabaseErrors.DDL_REFUSED);
        }
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL custodian.allow_ddl = 'on'");
            statement.execute("COMMENT ON COLUMN users.name IS 'confirmed'");
            connection.commit();

            PSQLException next = TestSql.refusalOn(connection, "ALTER TABLE users ALTER name DROP NOT NULL");
            assertThat(next.getSQLState()).isEqualTo(DatabaseErrors.DDL_REFUSED);
            connection.rollback();
        }
    }

    @Test
    void otherApplicationsObjectsScratchSchemasAndHarmlessCommandsPass() {
        String before = fingerprint();

        assertThatCode(() -> TestSql.rolledBack(database, 
                "CREATE TABLE public.orders (id bigint PRIMARY KEY, user_id bigint)",
                // An application's own users, beside Custodian's: its name is no reason to refuse.
                "CREATE TABLE public.users (id serial PRIMARY KEY, name varchar(255), data json)",
                "ALTER TABLE public.users ALTER name SET NOT NULL",
                "ALTER TABLE public.users ADD COLUMN \"createdAt\" timestamptz",
                "CREATE INDEX users_created ON public.users (\"createdAt\")",
                "DROP TABLE public.users CASCADE",
                "ALTER TABLE public.orders ADD COLUMN total numeric NOT NULL DEFAULT 0",
                "CREATE INDEX orders_user ON public.orders (user_id)",
                "DROP INDEX public.orders_user",
                "DROP TABLE public.orders",
                "CREATE SCHEMA custodian_verify_test",
                "CREATE TABLE custodian_verify_test.users (LIKE users INCLUDING ALL)",
                "DROP SCHEMA custodian_verify_test CASCADE",
                "CREATE TEMP TABLE users (id int)",
                "DROP TABLE pg_temp.users",
                "CREATE VIEW user_names AS SELECT name FROM custodian.users",
                "DROP VIEW user_names",
                "CREATE FUNCTION other_app_answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
                "DROP FUNCTION other_app_answer()",
                "CREATE INDEX users_name ON users (name)",
                "COMMENT ON TABLE users IS 'people'",
                "GRANT SELECT ON users TO PUBLIC",
                "REVOKE SELECT ON users FROM PUBLIC",
                "REINDEX TABLE users")).doesNotThrowAnyException();
        assertThat(fingerprint()).isEqualTo(before);
    }

    @Test
    void everyTableTheMigrationsCreateIsGuarded() {
        List<Object> tables = TestSql.rows(database, """
                SELECT relname FROM pg_class
                 WHERE relnamespace = 'custodian'::regnamespace AND relkind IN ('r', 'p')
                   AND relname <> ALL (custodian_ddl_guard.guarded_tables())""").stream()
                .map(row -> row.get("relname")).toList();

        assertThat(tables).as("tables outside custodian_ddl_guard.guarded_tables()").isEmpty();
    }

    @Test
    void theServicesOwnConnectionsDoNotCarryTheMigrationsConfirmation() {
        assertThat(TestSql.value(database, "SELECT current_setting('custodian.allow_ddl', true)")).isNull();
        assertThat(TestSql.refusal(database, "ALTER TABLE users ALTER name DROP NOT NULL").getSQLState())
                .isEqualTo(DatabaseErrors.DDL_REFUSED);
    }

    @Test
    void migrationsThatReplaceGuardedFunctionsPassTheGuard() {
        TestSql.execute(database, "DELETE FROM flyway_schema_history WHERE script = 'R__ddl_guard.sql'");

        Migrations.run(TestDatabase.urlOf(database));

        assertThat(TestSql.count(database, "SELECT count(*) FROM flyway_schema_history"
                + " WHERE script = 'R__ddl_guard.sql' AND success")).isOne();
        assertThat(TestSql.refusal(database, "DROP TABLE users CASCADE").getSQLState())
                .isEqualTo(DatabaseErrors.DDL_REFUSED);
    }

    @Test
    void aDroppedOrDisabledGuardIsPutBackByTheNextStart() {
        TestSql.execute(database, "DROP EVENT TRIGGER custodian_ddl_guard_drop");
        TestSql.execute(database, "ALTER EVENT TRIGGER custodian_ddl_guard_end DISABLE");

        Migrations.run(TestDatabase.urlOf(database));

        assertThat(TestSql.rows(database, "SELECT evtname, evtenabled FROM pg_event_trigger ORDER BY evtname"))
                .extracting(row -> row.get("evtname") + " " + row.get("evtenabled"))
                .containsExactly("custodian_ddl_guard_drop O", "custodian_ddl_guard_end O",
                        "custodian_ddl_guard_start O");
        assertThat(TestSql.refusal(database, "DROP TABLE users CASCADE").getSQLState())
                .isEqualTo(DatabaseErrors.DDL_REFUSED);
        assertThat(TestSql.refusal(database, "ALTER TABLE users ALTER name DROP NOT NULL").getSQLState())
                .isEqualTo(DatabaseErrors.DDL_REFUSED);
    }

    private static boolean nameIsNotNull(Statement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery("SELECT attnotnull FROM pg_attribute"
                + " WHERE attrelid = 'users'::regclass AND attname = 'name'")) {
            row.next();
            return row.getBoolean(1);
        }
    }

    private static String fingerprint() {
        return (String) TestSql.value(database, SCHEMA_FINGERPRINT);
    }
}
