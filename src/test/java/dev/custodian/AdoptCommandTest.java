package dev.custodian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.DatabaseRole;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestSql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * {@code custodian adopt}: another application's table, in a database Custodian never migrated,
 * gets the key-loss, bulk and TRUNCATE guards and history in custodian.changes, while the
 * application sees the same columns, rows and ids; refusals change nothing.
 */
class AdoptCommandTest {
    /** A table as Sequelize makes it: a mixed-case name, camelCase columns, a JSON document. */
    private static final String ACCOUNTS = """
            CREATE TABLE "Accounts" (
                id          serial PRIMARY KEY,
                name        text NOT NULL,
                data        jsonb NOT NULL DEFAULT '{}',
                settings    json,
                "createdAt" timestamptz NOT NULL DEFAULT now()
            );
            INSERT INTO "Accounts" (name, data) VALUES
                ('Ada', '{"phone": "+1", "address": {"city": "Paris", "zip": "75001"}, "tags": ["a", "b"]}'),
                ('Bob', '{"phone": "+2", "country": "US"}'),
                ('Cy', '{}');
            """;

    private static final String COLUMNS = """
            SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns
             WHERE table_name = ? ORDER BY ordinal_position""";

    private final DataSource app = TestDatabase.application();

    @TempDir
    Path dataDir;

    @Test
    void adoptingChangesNothingTheApplicationSeesAndRecordsEveryRowAsItsFirstSnapshot() throws Exception {
        sql(ACCOUNTS);
        var columns = TestSql.rows(app, COLUMNS, "Accounts");
        var rows = TestSql.rows(app, "SELECT * FROM \"Accounts\" ORDER BY id");

        CommandRun adopted = adopt("--table", "Accounts", "--key", "id");

        assertThat(adopted.exit()).as(adopted.err()).isZero();
        assertThat(adopted.out().strip()).isEqualTo("table Accounts adopted, keyed by id: 3 rows recorded;"
                + " documents guarded: data, settings; DDL guard on");
        assertThat(TestSql.rows(app, COLUMNS, "Accounts")).isEqualTo(columns);
        assertThat(TestSql.rows(app, "SELECT * FROM \"Accounts\" ORDER BY id")).isEqualTo(rows);
        assertThat(TestSql.rows(app, """
                SELECT table_schema, key_column, key_type, document_columns::text AS documents
                  FROM custodian.adopted_tables WHERE table_name = 'Accounts'""")).containsExactly(Map.of(
                "table_schema", "public", "key_column", "id", "key_type", "integer", "documents", "{data,settings}"));
        // Recorded as every command records its writes: cli:<user>, proven here (a superuser runs it).
        String actor = Main.cliActor();
        assertThat(TestSql.rows(app, """
                SELECT row_key, version, op, actor, snapshot ->> 'name' AS name FROM custodian.changes
                 WHERE table_name = 'Accounts' ORDER BY row_key""")).containsExactly(
                Map.of("row_key", "1", "version", 1L, "op", "adopt", "actor", actor, "name", "Ada"),
                Map.of("row_key", "2", "version", 1L, "op", "adopt", "actor", actor, "name", "Bob"),
                Map.of("row_key", "3", "version", 1L, "op", "adopt", "actor", actor, "name", "Cy"));
        // Custodian came along in a schema of its own: the application's schema holds its table alone.
        assertThat(TestSql.rows(app, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
                .containsExactly(Map.of("tablename", "Accounts"));
        assertThat(TestSql.count(app, "SELECT count(*) FROM pg_tables WHERE schemaname = 'custodian'"
                + " AND tablename IN ('users', 'user_changes', 'flyway_schema_history')")).isEqualTo(3);
    }

    @Test
    void anUpdateThatLosesKeysOfADocumentIsRefusedAsForUsers() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        var before = TestSql.rows(app, "SELECT * FROM \"Accounts\" WHERE id = 1");

        ServerErrorMessage error = refusal("UPDATE \"Accounts\" SET data = '{\"phone\": \"+9\"}' WHERE id = 1");

        assertThat(error.getSQLState()).isEqualTo("CU001");
        assertThat(error.getMessage()).isEqualTo("Accounts row 1: this UPDATE would remove /data/tags, /data/address");
        assertThat(TestSql.parse(error.getDetail())).isEqualTo(TestSql.parse("""
                {"table": "Accounts", "key": 1, "lost": ["/data/tags", "/data/address"], "more": 0}"""));
        assertThat(error.getHint()).contains("SET LOCAL custodian.allow_removal = 'on'");
        assertThat(error.getTable()).isEqualTo("Accounts");
        assertThat(TestSql.rows(app, "SELECT * FROM \"Accounts\" WHERE id = 1")).isEqualTo(before);
        assertThat(versions("1")).containsExactly(1L);

        ServerErrorMessage shortened = refusal("UPDATE \"Accounts\" SET settings = '{\"a\": 1}', data = jsonb_set(data,"
                + " '{tags}', '[\"a\"]') WHERE id = 1");
        assertThat(shortened.getMessage()).isEqualTo("Accounts row 1: this UPDATE would remove /data/tags/1");
    }

    @Test
    void writesOfTheApplicationAreRecordedWithTheirDiffBothWays() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();

        sql("UPDATE \"Accounts\" SET data = jsonb_set(data, '{address,city}', '\"Lyon\"'), name = 'Ada L' WHERE id = 1");
        sql("UPDATE \"Accounts\" SET name = name WHERE id = 1");
        sql("INSERT INTO \"Accounts\" (name, data) VALUES ('Dee', '{\"x\": 1}')");
        sql("DELETE FROM \"Accounts\" WHERE id = 2");
        sql("BEGIN; SET LOCAL custodian.removing = '[\"/data/phone\"]';"
                + " UPDATE \"Accounts\" SET data = data - 'phone' WHERE id = 1; COMMIT");

        JsonNode change = TestSql.parse(TestSql.value(app, """
                SELECT json_build_object('changes', changes, 'undo', undo, 'op', op, 'actor', actor, 'source', source)::text
                  FROM custodian.changes WHERE table_name = 'Accounts' AND row_key = '1' AND version = 2""").toString());
        assertThat(change).isEqualTo(TestSql.parse("""
                {"changes": [{"op": "replace", "path": "/data/address/city", "value": "Lyon"},
                             {"op": "replace", "path": "/name", "value": "Ada L"}],
                 "undo": [{"op": "replace", "path": "/data/address/city", "value": "Paris"},
                          {"op": "replace", "path": "/name", "value": "Ada"}],
                 "op": "update", "actor": "sql:postgres", "source": "sql"}"""));
        assertThat(versions("1")).containsExactly(1L, 2L, 3L);
        assertThat(TestSql.rows(app, """
                SELECT row_key, version, op FROM custodian.changes
                 WHERE table_name = 'Accounts' AND row_key IN ('2', '4') AND op <> 'adopt' ORDER BY row_key""")).containsExactly(
                Map.of("row_key", "2", "version", 2L, "op", "delete"),
                Map.of("row_key", "4", "version", 1L, "op", "create"));
    }

    @Test
    void bulkUpdatesAndTruncateAreRefusedUnlessConfirmed() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();

        ServerErrorMessage bulk = refusal("UPDATE \"Accounts\" SET name = upper(name)");
        ServerErrorMessage truncate = refusal("TRUNCATE \"Accounts\"");

        assertThat(bulk.getSQLState()).isEqualTo("CU002");
        assertThat(bulk.getMessage()).isEqualTo("this UPDATE would change 3 rows of Accounts, and a statement touching"
                + " more than one row needs confirmation");
        assertThat(truncate.getSQLState()).isEqualTo("CU002");
        assertThat(TestSql.value(app, "SELECT string_agg(name, ',' ORDER BY id) FROM \"Accounts\"")).isEqualTo("Ada,Bob,Cy");
        assertThat(TestSql.count(app, "SELECT count(*) FROM custodian.changes WHERE op <> 'adopt'")).isZero();

        sql("BEGIN; SET LOCAL custodian.allow_rows = '3'; TRUNCATE \"Accounts\"; COMMIT");
        assertThat(TestSql.rows(app, "SELECT row_key, version, op FROM custodian.changes WHERE op = 'delete' ORDER BY row_key"))
                .extracting(row -> row.get("row_key") + ":" + row.get("version")).containsExactly("1:2", "2:2", "3:2");
    }

    @Test
    void theDdlGuardRefusesAlteringOrDroppingTheAdoptedTableAndItsHistory() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();

        for (String ddl : List.of("ALTER TABLE \"Accounts\" DISABLE TRIGGER ALL", "DROP TABLE \"Accounts\"",
                "ALTER TABLE \"Accounts\" ALTER name DROP NOT NULL", "DROP TRIGGER custodian_40_write ON \"Accounts\"",
                "DROP TABLE custodian.changes", "DROP SCHEMA custodian CASCADE")) {
            assertThat(refusal(ddl).getSQLState()).as(ddl).isEqualTo("CU003");
        }
        assertThat(TestSql.count(app, "SELECT count(*) FROM pg_trigger WHERE tgrelid = '\"Accounts\"'::regclass"
                + " AND tgenabled <> 'D'")).isEqualTo(6);
        sql("CREATE TABLE unrelated (id int); ALTER TABLE unrelated ADD COLUMN x int; DROP TABLE unrelated");

        assertThat(adopt("--remove", "--table", "Accounts").exit()).isZero();
        sql("ALTER TABLE \"Accounts\" ADD COLUMN extra text");
    }

    @Test
    void aRoleThatIsNotASuperuserAdoptsItsOwnTableWithoutTheDdlGuard() throws Exception {
        var owned = TestDatabase.emptyDatabaseOfOrdinaryRole();
        try (Connection connection = java.sql.DriverManager.getConnection(owned.owner().jdbcUrl(),
                owned.owner().user().orElseThrow(), owned.owner().password().orElseThrow());
             Statement statement = connection.createStatement()) {
            statement.execute(ACCOUNTS);

            CommandRun adopted = CommandRun.of("adopt", "--table", "Accounts", "--key", "id", "--database-url",
                    owned.owner().jdbcUrl() + "?user=" + owned.owner().user().orElseThrow() + "&password="
                            + owned.owner().password().orElseThrow());

            assertThat(adopted.exit()).as(adopted.err()).isZero();
            assertThat(adopted.out()).contains("; DDL guard off: only a superuser may install it (docs/adopting.md)");
            PSQLException refused = catchThrowableOfType(() -> statement.execute(
                    "UPDATE \"Accounts\" SET data = '{}' WHERE id = 2"), PSQLException.class);
            assertThat(refused.getSQLState()).isEqualTo("CU001");
        }
    }

    @Test
    void anApplicationRoleWithTheLeastRightsIsGuardedAndRecordedAndCannotTouchHistory() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        try (DatabaseRole role = DatabaseRole.create(app, "app")) {
            sql("GRANT USAGE ON SCHEMA public, custodian TO " + role.name() + "; GRANT SELECT, INSERT, UPDATE, DELETE ON \"Accounts\" TO "
                    + role.name() + "; GRANT USAGE ON SEQUENCE \"Accounts_id_seq\" TO " + role.name());
            try (Connection connection = role.login().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE \"Accounts\" SET data = data || '{\"plan\": \"pro\"}' WHERE id = 2");
                statement.execute("INSERT INTO \"Accounts\" (name) VALUES ('Eve')");
                for (var refused : Map.of(
                        "UPDATE \"Accounts\" SET data = '{}' WHERE id = 2", "CU001",
                        "UPDATE \"Accounts\" SET name = name || '!'", "CU002",
                        "DELETE FROM \"Accounts\"", "CU002",
                        "DELETE FROM custodian.changes", "42501",
                        "ALTER TABLE \"Accounts\" DISABLE TRIGGER ALL", "42501").entrySet()) {
                    PSQLException error = catchThrowableOfType(() -> statement.execute(refused.getKey()), PSQLException.class);
                    assertThat(error.getSQLState()).as(refused.getKey()).isEqualTo(refused.getValue());
                }
            }
            assertThat(TestSql.rows(app, """
                    SELECT row_key, version, op, actor, source FROM custodian.changes
                     WHERE table_name = 'Accounts' AND op <> 'adopt' ORDER BY row_key"""))
                    .containsExactly(
                            Map.of("row_key", "2", "version", 2L, "op", "update", "actor", "sql:" + role.name(), "source", "sql"),
                            Map.of("row_key", "4", "version", 1L, "op", "create", "actor", "sql:" + role.name(), "source", "sql"));
        }
    }

    @Test
    void keysOfEveryKindAndCamelCaseColumnsWork() throws Exception {
        sql("""
                CREATE TABLE big ("userId" bigint PRIMARY KEY, "profileData" jsonb);
                CREATE TABLE named (slug text NOT NULL UNIQUE, doc json);
                CREATE TABLE "Tokens" (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), body jsonb);
                INSERT INTO big VALUES (9000000000, '{"a": {"b": 1}}');
                INSERT INTO named VALUES ('x/y', '{"k": [1, 2]}');
                INSERT INTO "Tokens" (id, body) VALUES ('6f1c0f3e-8f9a-4a57-9d43-6c1b3c1e2a10', '{"scope": "read"}');
                """);
        assertThat(adopt("--table", "big", "--key", "userId").exit()).isZero();
        assertThat(adopt("--table", "named", "--key", "slug").exit()).isZero();
        assertThat(adopt("--table", "public.Tokens", "--key", "id").exit()).isZero();

        assertThat(refusal("UPDATE big SET \"profileData\" = '{\"a\": {}}'").getMessage())
                .isEqualTo("big row 9000000000: this UPDATE would remove /profileData/a/b");
        assertThat(refusal("UPDATE named SET doc = '{\"k\": [1]}'").getMessage())
                .isEqualTo("named row x/y: this UPDATE would remove /doc/k/1");
        sql("UPDATE \"Tokens\" SET body = body || '{\"scope\": \"write\"}'");
        assertThat(TestSql.rows(app, "SELECT table_name, row_key, version FROM custodian.changes WHERE op = 'update'"))
                .containsExactly(Map.of("table_name", "Tokens", "row_key", "6f1c0f3e-8f9a-4a57-9d43-6c1b3c1e2a10",
                        "version", 2L));
        assertThat(TestSql.rows(app, "SELECT table_name, key_type FROM custodian.adopted_tables ORDER BY table_name"))
                .extracting(row -> row.get("table_name") + ":" + row.get("key_type"))
                .containsExactly("Tokens:uuid", "big:bigint", "named:text");
    }

    @Test
    void aWriteFindsItsRowsLastVersionThroughTheHistorysIndexNotByReadingAllOfIt() throws Exception {
        sql(ACCOUNTS);
        sql("INSERT INTO \"Accounts\" (name, data) SELECT 'User ' || n, jsonb_build_object('phone', n::text)"
                + " FROM generate_series(1, 5000) AS n");
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        sql("ANALYZE custodian.changes");

        // A lookup that cannot use the index reads the whole history on every write, and costs
        // more as history grows (it did once: the trigger's table name compared in collation "C").
        try (Connection connection = app.getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.executeUpdate("UPDATE \"Accounts\" SET data = data || '{\"phone\": \"+9\"}' WHERE id = 2");
            statement.executeUpdate("UPDATE \"Accounts\" SET data = data || '{\"phone\": \"+8\"}' WHERE id = 2");
            try (ResultSet scans = statement.executeQuery(
                    "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relid = 'custodian.changes'::regclass")) {
                assertThat(scans.next()).isTrue();
                assertThat(scans.getLong(1)).as("whole reads of custodian.changes by two writes").isZero();
            }
            try (ResultSet versions = statement.executeQuery(
                    "SELECT max(version) FROM custodian.changes WHERE table_name = 'Accounts' AND row_key = '2'")) {
                assertThat(versions.next()).isTrue();
                assertThat(versions.getLong(1)).isEqualTo(3);
            }
            connection.rollback();
        }
    }

    @Test
    void whatCannotBeAdoptedIsRefusedWithExitTwoAndChangesNothing() throws Exception {
        sql(ACCOUNTS + """
                CREATE TABLE loose (id int, data jsonb);
                CREATE TABLE odd (id numeric PRIMARY KEY);
                """);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        String historyBefore = TestSql.value(app, "SELECT count(*) FROM custodian.changes").toString();

        assertRefused(adopt("--table", "accounts", "--key", "id"), "custodian: no table accounts in this database"
                + " (names are matched as written, case included; schema.table for another schema)");
        assertRefused(adopt("--table", "loose", "--key", "nope"), "custodian: table loose has no column nope"
                + " (names are matched as written, case included)");
        assertRefused(adopt("--table", "loose", "--key", "id"), "custodian: column id of loose is neither its primary"
                + " key nor unique and NOT NULL: it cannot name one row");
        assertRefused(adopt("--table", "odd", "--key", "id"), "custodian: column id of odd is of type numeric; a key must"
                + " be integer, bigint, text or uuid");
        assertThat(adopt("--table", "Accounts", "--key", "id").messages()).singleElement().asString()
                .startsWith("custodian: table Accounts is already adopted (since ");
        assertRefused(adopt("--remove", "--table", "loose"), "custodian: table loose is not adopted (adopt --status lists"
                + " the adopted tables)");
        assertRefused(adopt("--table", "loose"), "custodian: --key is required: the column that names one row of loose");

        assertThat(TestSql.count(app, "SELECT count(*) FROM pg_trigger WHERE tgrelid IN ('loose'::regclass,"
                + " 'odd'::regclass)")).isZero();
        assertThat(TestSql.value(app, "SELECT count(*) FROM custodian.changes").toString()).isEqualTo(historyBefore);
        assertThat(TestSql.count(app, "SELECT count(*) FROM custodian.adopted_tables")).isEqualTo(1);
    }

    @Test
    void statusListsTheAdoptedTablesAndRemoveTakesTheGuardsOffButKeepsTheHistory() throws Exception {
        sql(ACCOUNTS);
        CommandRun nothing = adopt("--status");
        assertThat(nothing.exit()).as(nothing.err()).isZero();
        assertThat(nothing.out().lines()).hasSize(1);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        sql("UPDATE \"Accounts\" SET name = 'Ada 2' WHERE id = 1");

        CommandRun status = adopt("--status");

        assertThat(status.exit()).isZero();
        assertThat(status.out().lines().toList().get(0).split(" +")).containsExactly("table", "key", "since", "history",
                "rows", "history", "bytes");
        String[] row = status.out().lines().toList().get(1).split(" +");
        assertThat(row[0]).isEqualTo("Accounts");
        assertThat(row[1]).isEqualTo("id");
        assertThat(row[2]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(row[3]).isEqualTo("4");
        assertThat(Long.parseLong(row[4])).isPositive();

        CommandRun removed = adopt("--remove", "--table", "Accounts");

        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(TestSql.count(app, "SELECT count(*) FROM pg_trigger WHERE tgrelid = '\"Accounts\"'::regclass")).isZero();
        assertThat(TestSql.count(app, "SELECT count(*) FROM custodian.changes")).isEqualTo(4);
        sql("UPDATE \"Accounts\" SET data = '{}' WHERE id = 1");
        assertThat(adopt("--status").out().lines()).hasSize(1);

        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        assertThat(versions("1")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aTableOfCustodiansOwnDatabaseIsAdoptedBesideItsUsers() throws Exception {
        DataSource custodian = TestDatabase.fresh();
        TestSql.execute(custodian, "CREATE TABLE public.orders (id bigint PRIMARY KEY, items jsonb NOT NULL)");
        TestSql.execute(custodian, "INSERT INTO public.orders VALUES (1, '{\"sku\": \"a\", \"qty\": 2}')");

        CommandRun adopted = CommandRun.run(custodian, dataDir, "adopt", "--table", "orders", "--key", "id");
        CommandRun users = CommandRun.run(custodian, dataDir, "adopt", "--table", "custodian.users", "--key", "id");

        assertThat(adopted.exit()).as(adopted.err()).isZero();
        assertThat(catchThrowableOfType(() -> TestSql.execute(custodian, "ALTER TABLE public.orders ADD COLUMN x int"),
                IllegalStateException.class).getCause()).hasMessageContaining("ALTER TABLE refused: table public.orders");
        assertThat(users.messages()).containsExactly(
                "custodian: table custodian.users is one of Custodian's own tables, guarded already");
        assertThat(users.exit()).isEqualTo(2);
        IllegalStateException refused = catchThrowableOfType(() -> TestSql.execute(custodian,
                "UPDATE public.orders SET items = '{\"sku\": \"a\"}' WHERE id = 1"), IllegalStateException.class);
        assertThat(((PSQLException) refused.getCause()).getServerErrorMessage().getMessage()).isEqualTo("orders row 1: this UPDATE would remove /items/qty");
        // Adopting installed no second copy of the guards: those of users are the ones it calls.
        assertThat(TestSql.count(custodian, "SELECT count(*) FROM pg_proc WHERE proname = 'custodian_lost_paths'")).isEqualTo(1);
    }

    @Test
    void tableEraseErasesARowOfTheAdoptedTableAndRefusesAKeyOfAnotherType() throws Exception {
        sql(ACCOUNTS);
        assertThat(adopt("--table", "Accounts", "--key", "id").exit()).isZero();
        String url = TestDatabase.urlWithCredentials(app);

        CommandRun badKey = CommandRun.of("table", "erase", "Accounts", "abc", "--reason", "ticket 1", "--database-url", url);
        CommandRun erased = CommandRun.of("table", "erase", "Accounts", "1", "--reason", "ticket 1", "--database-url", url);

        assertRefused(badKey, "custodian: 'abc' is not a key of table Accounts, whose key is of type integer");
        assertThat(erased.exit()).as(erased.err()).isZero();
        JsonNode report = TestSql.parse(erased.out());
        assertThat(report.get("table").asText()).isEqualTo("Accounts");
        assertThat(report.get("key").asText()).isEqualTo("1");
        assertThat(report.get("historyEntries").asLong()).isEqualTo(2);
        assertThat(TestSql.count(app, "SELECT count(*) FROM \"Accounts\"")).isEqualTo(2);
        assertThat(TestSql.rows(app, "SELECT table_name, row_key FROM custodian.erasures"))
                .containsExactly(Map.of("table_name", "Accounts", "row_key", "1"));
        assertThat(versions("1")).containsExactly(1L, 2L);
    }

    private CommandRun adopt(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "adopt";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--database-url";
        all[args.length + 2] = TestDatabase.urlWithCredentials(app);
        return CommandRun.of(all);
    }

    private static void assertRefused(CommandRun run, String message) {
        assertThat(run.messages()).containsExactly(message);
        assertThat(run.exit()).isEqualTo(2);
    }

    private List<Long> versions(String key) {
        return TestSql.rows(app, "SELECT version FROM custodian.changes WHERE table_name = 'Accounts' AND row_key = ?"
                + " ORDER BY version", key).stream().map(row -> (Long) row.get("version")).toList();
    }

    private void sql(String statements) throws SQLException {
        try (Connection connection = app.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
    }

    private ServerErrorMessage refusal(String statement) {
        PSQLException refused = catchThrowableOfType(() -> sql(statement), PSQLException.class);
        assertThat((Object) refused).as("refused: " + statement).isNotNull();
        return refused.getServerErrorMessage();
    }
}
