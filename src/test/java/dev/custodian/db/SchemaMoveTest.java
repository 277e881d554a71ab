package dev.custodian.db;

import static dev.custodian.db.ForeignClient.autocommit;
import static dev.custodian.db.ForeignClient.insertUser;
import static dev.custodian.db.ForeignClient.refusal;
import static dev.custodian.db.ForeignClient.run;
import static dev.custodian.db.ForeignClient.transaction;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.custodian.auth.Role;
import dev.custodian.auth.Tokens;
import dev.custodian.backup.BackupKind;
import dev.custodian.backup.Backups;
import dev.custodian.backup.Check;
import dev.custodian.backup.VerificationReport;
import dev.custodian.config.DatabaseUrl;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database of the previous layout (V1..V12 and the repeatable migrations, everything in
 * {@code public}, as the version before this one left it), written to by the service, then
 * started by this version, twice at once: everything is in schema {@code custodian}, with every
 * row, history entry, sequence position, token, erasure, trigger and Flyway history entry, and
 * the service reads, writes, shows and undoes history and authenticates the old tokens as before.
 * The guards on the register and on erased history still refuse, from a plain session too, and
 * a backup taken before the move verifies after it (its format names tables, not schemas).
 */
class SchemaMoveTest {
    /** What must survive the move, each as one comparable text; the schema's name is left out. */
    private static final List<String> STATE = List.of(
            "SELECT json_agg(u ORDER BY u.id)::text FROM users AS u",
            "SELECT jsonb_agg(to_jsonb(c) ORDER BY c.user_id, c.version)::text FROM user_changes AS c",
            "SELECT json_agg(t ORDER BY t.id)::text FROM api_tokens AS t",
            "SELECT json_agg(r)::text FROM api_token_revocations AS r",
            "SELECT json_agg(e ORDER BY e.id)::text FROM erasures AS e",
            "SELECT json_agg(h ORDER BY h.installed_rank)::text FROM flyway_schema_history AS h",
            """
            SELECT json_agg(s.sequencename || '=' || s.last_value ORDER BY s.sequencename)::text
              FROM pg_sequences AS s WHERE s.schemaname = current_schema()""",
            """
            -- The triggers of the tables the previous layout had; custodian.changes came later (V14),
            -- with the history guard of its own.
            SELECT json_agg(c.relname || '.' || t.tgname || ':' || t.tgenabled::text || ':' || t.tgfoid::regproc::text
                            ORDER BY c.relname, t.tgname)::text
              FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid
             WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
               AND c.relname <> 'changes'""");
    /** What of Custodian's could be left behind in public; an extension's members (pg_trgm) are the extension's. */
    private static final String LEFT_IN_PUBLIC = """
            SELECT count(*) FROM (
                SELECT c.oid, 'pg_class'::regclass AS catalog FROM pg_class AS c WHERE c.relnamespace = 'public'::regnamespace
                UNION ALL
                SELECT p.oid, 'pg_proc'::regclass FROM pg_proc AS p WHERE p.pronamespace = 'public'::regnamespace) AS o
             WHERE NOT EXISTS (SELECT FROM pg_depend AS d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype = 'e')
            """;

    @TempDir
    Path previousRelease;
    @TempDir
    Path backups;

    @Test
    void aDatabaseOfThePreviousLayoutMovesIntoItsOwnSchemaWithEverythingInItAndStillWorks() throws Exception {
        DatabaseUrl url = TestDatabase.unmigrated();
        migrateAsThePreviousVersionDid(url);
        Written written;
        List<String> before;
        String backup;
        try (HikariDataSource previous = TestDatabase.pool(url.jdbcUrl(), url)) {
            written = writeAsThePreviousVersionDid(previous);
            before = state(previous);
            backup = new Backups(backups, new Transactions(previous), Clock.systemUTC()).create(BackupKind.MANUAL)
                    .get("id").asText();
        }

        // Two instances start at once: one moves, the other waits for it and finds it done.
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> Migrations.run(url));
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> Migrations.run(url));
        CompletableFuture.allOf(first, second).join();

        try (HikariDataSource moved = TestDatabase.pool(CustodianSchema.jdbcUrl(url), url)) {
            List<String> after = state(moved);
            assertThat(after.subList(0, 5)).isEqualTo(before.subList(0, 5));
            assertThat(after.get(5)).as("Flyway's history: V1..V12 as they were, then V13").startsWith(
                    before.get(5).substring(0, before.get(5).length() - 1));
            assertThat(TestSql.count(moved, "SELECT count(*) FROM flyway_schema_history WHERE version = '13' AND success"))
                    .isOne();
            assertThat(TestSql.count(moved, "SELECT count(*) FROM (SELECT version FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL GROUP BY version HAVING count(*) > 1) AS twice")).as("nothing ran twice")
                    .isZero();
            assertThat(after.get(6)).as("sequence positions").isEqualTo(before.get(6));
            assertThat(after.get(7)).as("triggers").isEqualTo(before.get(7));
            assertThat(TestSql.count(moved, LEFT_IN_PUBLIC)).as("Custodian's objects left in public").isZero();
            VerificationReport verified = new Backups(backups, new Transactions(moved), Clock.systemUTC()).verify(backup);
            assertThat(verified.checks()).as("a backup of the previous layout restores into a scratch schema")
                    .isNotEmpty().allMatch(Check::ok);

            TestServer server = TestServer.start(moved, settings -> settings);
            try (HikariDataSource plain = TestDatabase.pool(url.jdbcUrl(), url)) {
                assertServesAsBefore(server, written, plain);
            } finally {
                server.close();
            }
        }
    }

    /** What the previous version wrote: two tokens, a user with history, an erased user. */
    private record Written(String adminToken, String writeToken, long kept, long erased) {
    }

    /**
     * Tokens as the service issued them, users written through the triggers as the service's
     * statements or psql did, and an erasure as the service made it: register entry, history
     * without values, row gone. (The service of this version refuses to write to the previous
     * layout: its schema check misses V13.)
     */
    private static Written writeAsThePreviousVersionDid(DataSource previous) throws SQLException {
        Tokens tokens = new Tokens(new Transactions(previous), Clock.systemUTC());
        String adminToken = tokens.create("admin-before-the-move", Role.ADMIN);
        String writeToken = tokens.create("writer-before-the-move", Role.WRITE);
        long kept = insertUser(previous, "Kept", "{\"phone\": \"+14155550101\", \"address\": {\"city\": \"Oslo\"}}");
        autocommit(previous, "UPDATE users SET data = jsonb_set(data, '{address,city}', '\"Bergen\"') WHERE id = ?", kept);
        autocommit(previous, "UPDATE users SET name = 'Kept Again' WHERE id = ?", kept);
        long erased = insertUser(previous, "Erin", "{\"phone\": \"+14155550102\"}");
        autocommit(previous, "UPDATE users SET data = data || '{\"country\": \"US\"}' WHERE id = ?", erased);
        transaction(previous, connection -> {
            run(connection, "SET LOCAL custodian.op = 'erase'");
            run(connection, "SET LOCAL custodian.allow_rows = '3'");
            run(connection, "INSERT INTO erasures (table_name, row_key, actor, reason, history_entries)"
                    + " VALUES ('users', ?, 'token:admin-before-the-move', 'asked to be forgotten', 3)", String.valueOf(erased));
            run(connection, "DELETE FROM users WHERE id = ?", erased);
            run(connection, "UPDATE user_changes SET changes = custodian_erased_ops(changes), undo = custodian_erased_ops(undo),"
                    + " snapshot = NULL WHERE user_id = ?", erased);
        });
        for (int i = 0; i < 5; i++) {
            insertUser(previous, "Many " + i, "{\"n\": " + i + "}");
        }
        return new Written(adminToken, writeToken, kept, erased);
    }

    /** Through the service, and through {@code plain}, a session with the default search path. */
    private static void assertServesAsBefore(TestServer server, Written written, DataSource plain) throws SQLException {
        String kept = "/users/" + written.kept();
        HttpResponse read = server.request("GET", kept).token(written.writeToken()).send();
        assertThat(read.status()).as(read.body()).isEqualTo(200);
        assertThat(read.json().get("name").asText()).isEqualTo("Kept Again");
        assertThat(read.json().get("version").asLong()).isEqualTo(3);
        assertThat(server.get(kept + "/history").json().get("items").size()).isEqualTo(3);
        assertThat(server.get("/users/" + written.erased()).status()).isEqualTo(410);
        assertThat(server.get("/users/" + written.erased() + "/history").body()).doesNotContain("+14155550102");

        HttpResponse patched = server.request("PATCH", kept).token(written.writeToken())
                .body("application/merge-patch+json", "{\"data\": {\"phone\": \"+14155550103\"}}").send();
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(patched.json().get("version").asLong()).isEqualTo(4);
        HttpResponse undone = server.request("POST", kept + "/revert").token(written.adminToken())
                .json("{\"undoVersion\": 4}").send();
        assertThat(undone.status()).as(undone.body()).isEqualTo(200);
        assertThat(server.get(kept).json().get("data").toString())
                .isEqualTo("{\"phone\":\"+14155550101\",\"address\":{\"city\":\"Bergen\"}}");
        // The register and erased history stay as they were, whoever asks.
        assertThat(refusal(plain, "DELETE FROM custodian.erasures").getSQLState()).isEqualTo("CU004");
        assertThat(refusal(plain, "UPDATE custodian.user_changes SET actor = 'someone' WHERE user_id = ?", written.erased())
                .getSQLState()).isEqualTo("CU004");
        assertThat(server.get(kept + "/history").json().get("items").size()).isEqualTo(5);
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM user_changes WHERE user_id = ?", written.kept()))
                .isEqualTo(5);
        HttpResponse created = server.request("POST", "/users").token(written.adminToken())
                .json("{\"name\": \"After\", \"email\": \"%s\"}".formatted(TestUsers.uniqueEmail())).send();
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("id").asLong()).as("the id sequence went on where it was").isGreaterThan(written.kept() + 6);
    }

    private static List<String> state(DataSource dataSource) {
        List<String> state = new ArrayList<>();
        for (String query : STATE) {
            Object value = TestSql.value(dataSource, query);
            state.add(value == null ? null : value.toString());
        }
        return state;
    }

    /**
     * V1..V12 and the repeatable migrations into public, as Flyway configured by the previous
     * version ran them (placeholders included); Flyway's callbacks, new with the schema, not.
     */
    private void migrateAsThePreviousVersionDid(DatabaseUrl url) throws IOException, URISyntaxException {
        Path migrations = Path.of(Migrations.class.getResource("/db/migration").toURI());
        try (Stream<Path> files = Files.list(migrations)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                // R__tables_adopted.sql came later, with V14__adopted_tables.sql, whose tables it needs.
                boolean repeatable = name.startsWith("R__") && !name.equals("R__tables_adopted.sql");
                if (repeatable || name.matches("V([1-9]|1[0-2])__.*")) {
                    Files.copy(file, previousRelease.resolve(name));
                }
            }
        }
        PGSimpleDataSource plain = new PGSimpleDataSource();
        plain.setURL(url.jdbcUrl());
        url.user().ifPresent(plain::setUser);
        url.password().ifPresent(plain::setPassword);
        Flyway.configure().dataSource(plain).locations("filesystem:" + previousRelease)
                .placeholders(Map.of("ddlGuardInstaller", "a superuser"))
                .initSql("SET custodian.allow_ddl = 'on'")
                .load().migrate();
        assertThat(TestSql.value(plain, "SELECT to_regclass('public.users')::text")).isEqualTo("users");
        assertThat(TestSql.value(plain, "SELECT to_regnamespace('custodian')")).isNull();
    }
}
