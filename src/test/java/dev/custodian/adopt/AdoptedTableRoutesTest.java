package dev.custodian.adopt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /tables/{table}/rows/{key}}: an application's own table, adopted, written with plain SQL
 * as the application writes it, then read, listed, reverted and rolled back over HTTP through the
 * same code as users; every answer checked against what the table and its history hold after.
 */
class AdoptedTableRoutesTest {
    private static final AtomicInteger TABLES = new AtomicInteger();
    private static DataSource database;
    private static TestServer server;

    @BeforeAll
    static void start() {
        database = TestDatabase.fresh();
        server = TestServer.start(database, settings -> settings);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A table as Sequelize makes it, mixed case and camelCase, with a jsonb and a json document, adopted. */
    private static String profiles() throws SQLException {
        String table = "Profiles" + TABLES.incrementAndGet();
        sql("""
                CREATE TABLE public."%1$s" (
                    id          serial PRIMARY KEY,
                    name        text NOT NULL,
                    data        jsonb NOT NULL DEFAULT '{}',
                    settings    json,
                    "createdAt" timestamptz NOT NULL DEFAULT now()
                );
                INSERT INTO public."%1$s" (name, data, settings, "createdAt") VALUES
                    ('Ada', '{"phone": "+1", "address": {"city": "Paris"}}', '{"theme": "dark"}', '2024-01-02T03:04:05.123456Z'),
                    ('Bob', '{"phone": "+2"}', NULL, '2024-02-03T04:05:06Z');
                """.formatted(table));
        adopt(table, "id");
        return table;
    }

    private static void adopt(String table, String key) throws SQLException {
        try (Connection connection = database.getConnection()) {
            Adoptions.adopt(connection, table, key, "test");
        }
    }

    @Test
    void historyListsTheApplicationsWritesAndVersionsReadThePast() throws Exception {
        String table = profiles();
        JsonNode first = row(table, 1);
        sql("UPDATE public.\"" + table + "\" SET data = jsonb_set(data, '{phone}', '\"+9\"'), \"createdAt\" = '2025-01-01T00:00:00Z' WHERE id = 1");
        sql("UPDATE public.\"" + table + "\" SET settings = '{\"theme\": \"light\"}' WHERE id = 1");

        HttpResponse history = server.get(path(table, "1") + "/history?limit=2");
        HttpResponse now = server.get(path(table, "1"));
        HttpResponse past = server.get(path(table, "1") + "?version=1");

        assertThat(history.status()).as(history.body()).isEqualTo(200);
        JsonNode items = history.json().get("items");
        assertThat(items).hasSize(2);
        assertThat(items.get(0).get("version").asLong()).isEqualTo(3);
        assertThat(items.get(0).get("source").asText()).isEqualTo("sql");
        assertThat(items.get(0).get("op").asText()).isEqualTo("update");
        assertThat(items.get(0).get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"replace\", \"path\": \"/settings/theme\", \"value\": \"light\"}]"));
        assertThat(items.get(1).get("changes").toString()).contains("/data/phone", "/createdAt");
        assertThat(history.json().get("next").asText()).isEqualTo("2");
        assertThat(server.get(path(table, "1") + "/history?before=2").json().get("items").get(0).get("op").asText())
                .isEqualTo("adopt");
        assertThat(now.status()).isEqualTo(200);
        assertThat(now.header("ETag")).isEqualTo("\"3\"");
        assertThat(now.json()).isEqualTo(row(table, 1));
        assertThat(past.status()).as(past.body()).isEqualTo(200);
        assertThat(past.header("ETag")).isEqualTo("\"1\"");
        assertThat(past.json()).isEqualTo(first);
        assertThat(server.get(path(table, "1") + "?version=4").status()).isEqualTo(404);
        assertThat(server.get(path(table, "77")).status()).isEqualTo(404);
        assertThat(server.get(path(table, "77") + "/history").status()).isEqualTo(404);
    }

    @Test
    void revertToAVersionRestoresTheRowExactlyAndLeavesOtherRowsAlone() throws Exception {
        String table = profiles();
        var before = rows(table);
        JsonNode first = row(table, 1);
        sql("BEGIN; SET LOCAL custodian.allow_removal = 'on'; UPDATE public.\"" + table + "\" SET data = '{\"phone\": \"+9\", \"address\": {\"city\": \"Rome\"}}',"
                + " settings = NULL, \"createdAt\" = now(), name = 'Eve' WHERE id = 1; COMMIT");
        sql("UPDATE public.\"" + table + "\" SET name = 'Bobby' WHERE id = 2");
        var changedAda = rows(table).get(0);
        var changedBob = rows(table).get(1);

        HttpResponse stale = server.request("POST", path(table, "1") + "/revert").ifMatch(1).json("{\"toVersion\": 1}").send();
        HttpResponse dryRun = server.request("POST", path(table, "1") + "/revert?dryRun=true").json("{\"toVersion\": 1}").send();
        assertThat(stale.status()).isEqualTo(412);
        assertThat(dryRun.status()).as(dryRun.body()).isEqualTo(200);
        assertThat(dryRun.json().get("dryRun").asBoolean()).isTrue();
        assertThat(dryRun.json().get("after")).isEqualTo(first);
        assertThat(rows(table)).containsExactly(changedAda, changedBob);
        assertThat(versions(table, "1")).containsExactly(1L, 2L);

        HttpResponse reverted = server.request("POST", path(table, "1") + "/revert").ifMatch(2)
                .header("X-Request-Id", "revert-" + table).json("{\"toVersion\": 1}").send();

        assertThat(reverted.status()).as(reverted.body()).isEqualTo(200);
        assertThat(reverted.header("ETag")).isEqualTo("\"3\"");
        assertThat(rows(table)).containsExactly(before.get(0), changedBob);
        assertThat(reverted.json()).isEqualTo(row(table, 1));
        assertThat(TestSql.rows(database, "SELECT op, source, request_id FROM custodian.changes"
                + " WHERE table_name = ? AND row_key = '1' AND version = 3", table)).containsExactly(
                Map.of("op", "revert", "source", "api", "request_id", "revert-" + table));
    }

    @Test
    void undoOfOneChangeKeepsLaterChangesAndAConflictChangesNothing() throws Exception {
        String table = profiles();
        sql("UPDATE public.\"" + table + "\" SET data = jsonb_set(data, '{phone}', '\"+5\"') WHERE id = 1");
        sql("UPDATE public.\"" + table + "\" SET data = jsonb_set(data, '{address,city}', '\"Lyon\"') WHERE id = 1");
        sql("BEGIN; SET LOCAL custodian.removing = '[\"/data/address/city\"]'; UPDATE public.\"" + table
                + "\" SET data = jsonb_set(data, '{address}', '\"somewhere\"') WHERE id = 1; COMMIT");
        var before = rows(table);

        HttpResponse conflict = server.postJson(path(table, "1") + "/revert", "{\"undoVersion\": 3}");

        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("type").asText()).isEqualTo("/problems/revert-conflict");
        assertThat(conflict.json().get("conflicts")).isEqualTo(TestSql.parse(
                "[{\"path\": \"/data/address/city\", \"changedIn\": [4]}]"));
        assertThat(rows(table)).isEqualTo(before);
        assertThat(versions(table, "1")).containsExactly(1L, 2L, 3L, 4L);

        HttpResponse undone = server.postJson(path(table, "1") + "/revert", "{\"undoVersion\": 2}");

        assertThat(undone.status()).as(undone.body()).isEqualTo(200);
        JsonNode data = row(table, 1).get("data");
        assertThat(data).isEqualTo(TestSql.parse("{\"phone\": \"+1\", \"address\": \"somewhere\"}"));
        assertThat(rows(table).get(1)).isEqualTo(before.get(1));
    }

    @Test
    void aRevertOfADeletedRowBringsItBackUnderItsKey() throws Exception {
        String table = profiles();
        var before = rows(table);
        sql("DELETE FROM public.\"" + table + "\" WHERE id = 1");
        assertThat(server.get(path(table, "1")).status()).isEqualTo(404);

        HttpResponse reverted = server.postJson(path(table, "1") + "/revert", "{\"toVersion\": 1}");

        assertThat(reverted.status()).as(reverted.body()).isEqualTo(200);
        assertThat(rows(table)).isEqualTo(before);
        assertThat(versions(table, "1")).containsExactly(1L, 2L, 3L);
        assertThat(server.get(path(table, "1") + "?version=2").status()).isEqualTo(404);
    }

    @Test
    void aRollbackNamingATableUndoesOnlyThatTablesRowsInTheWindow() throws Exception {
        String table = profiles();
        String other = profiles();
        long user = TestUsers.create(server, "{\"name\": \"Ann\", \"email\": \"" + TestUsers.uniqueEmail()
                + "\", \"data\": {\"phone\": \"+14155550000\"}}");
        var before = rows(table);
        Instant from = Instant.now();
        Thread.sleep(5);
        sql("BEGIN; SET LOCAL custodian.allow_rows = '2'; UPDATE public.\"" + table + "\" SET name = name || ' (bad)'; COMMIT");
        sql("UPDATE public.\"" + other + "\" SET name = name || ' (bad)' WHERE id = 1");
        assertThat(server.mergePatch("/users/" + user, "{\"name\": \"Ann (bad)\"}").status()).isEqualTo(200);
        Thread.sleep(5);
        Instant to = Instant.now();
        var otherAfter = rows(other);

        HttpResponse rollback = server.request("POST", "/admin/rollback").token(server.adminToken)
                .json("{\"table\": \"" + table + "\", \"from\": \"" + from + "\", \"to\": \"" + to + "\"}").send();

        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.json().get("table").asText()).isEqualTo(table);
        assertThat(rollback.json().get("rowsAffected").asInt()).isEqualTo(2);
        assertThat(rollback.json().get("changesUndone").asInt()).isEqualTo(2);
        assertThat(rows(table)).isEqualTo(before);
        assertThat(rows(other)).isEqualTo(otherAfter);
        assertThat(TestSql.value(database, "SELECT name FROM custodian.users WHERE id = ?", user)).isEqualTo("Ann (bad)");
        assertThat(TestSql.rows(database, "SELECT DISTINCT op FROM custodian.changes WHERE table_name = ? AND version = 3",
                table)).containsExactly(Map.of("op", "rollback"));
    }

    @Test
    void historyStatsCountEachAdoptedTablesEntriesBesideTheUsers() throws Exception {
        String table = profiles();
        sql("UPDATE public.\"" + table + "\" SET name = 'Ada L.' WHERE id = 1");

        HttpResponse stats = server.request("GET", "/admin/history/stats").token(server.adminToken).send();

        assertThat(stats.status()).as(stats.body()).isEqualTo(200);
        JsonNode tables = stats.json().get("tables");
        assertThat(tables.get(0).get("table").asText()).isEqualTo("users");
        JsonNode adopted = null;
        for (JsonNode entry : tables) {
            if (entry.get("table").asText().equals(table)) {
                adopted = entry;
            }
        }
        assertThat(adopted).as(stats.body()).isNotNull();
        assertThat(adopted.get("historyTable").asText()).isEqualTo("custodian.changes");
        assertThat(adopted.get("rows").asLong()).isEqualTo(3);
        assertThat(adopted.get("bytes").asLong()).isEqualTo(TestSql.count(database,
                "SELECT sum(pg_column_size(c.*)) FROM custodian.changes c WHERE table_name = ?", table));
        assertThat(adopted.get("oldest").asText()).isEqualTo(TestSql.value(database,
                "SELECT custodian_time(min(at)) FROM custodian.changes WHERE table_name = ?", table));
    }

    @Test
    void recentChangesOfAnAdoptedTablePageThroughItsHistoryWhateverItsKeysHold() throws Exception {
        String table = "tags" + TABLES.incrementAndGet();
        // Text keys with commas, as the cursor must keep them; one statement writes three rows at one time.
        sql("CREATE TABLE public." + table + " (slug text PRIMARY KEY, meta jsonb NOT NULL);"
                + " INSERT INTO public." + table + " VALUES ('a,b', '{\"n\": 1}'), ('c', '{\"n\": 2}'), ('d,e,f', '{\"n\": 3}')");
        adopt(table, "slug");
        sql("BEGIN; SET LOCAL custodian.allow_rows = '3'; UPDATE public." + table + " SET meta = meta || '{\"seen\": true}'; COMMIT");
        sql("UPDATE public." + table + " SET meta = meta || '{\"n\": 9}' WHERE slug = 'c'");
        List<String> expected = TestSql.rows(database, """
                SELECT row_key || '@' || version AS entry FROM custodian.changes WHERE table_name = ?
                 ORDER BY at DESC, row_key DESC, version DESC""", table).stream()
                .map(row -> (String) row.get("entry")).toList();

        List<String> listed = new java.util.ArrayList<>();
        String next = null;
        do {
            HttpResponse page = server.get("/changes?table=" + table + "&limit=2"
                    + (next == null ? "" : "&before=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            for (JsonNode item : page.json().get("items")) {
                assertThat(item.get("table").asText()).isEqualTo(table);
                assertThat(item.has("userId")).isFalse();
                listed.add(item.get("key").asText() + "@" + item.get("version").asLong());
            }
            next = page.json().get("next").isNull() ? null : page.json().get("next").asText();
        } while (next != null);
        HttpResponse sqlOnly = server.get("/changes?table=" + table + "&source=sql&limit=1");
        HttpResponse badCursor = server.get("/changes?table=" + table + "&before=2026-01-01T00:00:00Z,x,0");
        HttpResponse notAdopted = server.get("/changes?table=NoSuchTable");
        HttpResponse users = server.get("/changes?limit=1");

        assertThat(listed).hasSize(7).isEqualTo(expected);
        assertThat(sqlOnly.json().get("items").get(0).get("key").asText()).isEqualTo("c");
        assertThat(sqlOnly.json().get("items").get(0).get("op").asText()).isEqualTo("update");
        assertThat(badCursor.status()).isEqualTo(422);
        assertThat(notAdopted.status()).isEqualTo(404);
        assertThat(notAdopted.json().get("detail").asText()).contains("custodian adopt --status");
        assertThat(users.status()).isEqualTo(200);
        assertThat(users.json().get("items")).allMatch(item -> item.has("userId") && !item.has("table"));
    }

    @Test
    void keysOfEveryTypeAreReadAsPostgresqlPrintsThemAndOthersAreRefused() throws Exception {
        String table = "notes" + TABLES.incrementAndGet();
        String id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
        sql("CREATE TABLE public." + table + " (id uuid PRIMARY KEY, body jsonb, \"updatedAt\" timestamptz);"
                + " INSERT INTO public." + table + " VALUES ('" + id + "', '{\"text\": \"hi\"}', NULL)");
        adopt(table, "id");
        String profiles = profiles();
        long changes = TestSql.count(database, "SELECT count(*) FROM custodian.changes");

        HttpResponse upper = server.get(path(table, id.toUpperCase()));
        HttpResponse badUuid = server.get(path(table, "abc"));
        HttpResponse badInteger = server.postJson(path(profiles, "abc") + "/revert", "{\"toVersion\": 1}");
        HttpResponse padded = server.get(path(profiles, "007"));
        HttpResponse unknown = server.get(path("NoSuchTable", "1") + "/history");
        HttpResponse lowerCase = server.get(path(profiles.toLowerCase(), "1"));

        assertThat(upper.status()).as(upper.body()).isEqualTo(200);
        assertThat(upper.json().get("body")).isEqualTo(TestSql.parse("{\"text\": \"hi\"}"));
        assertThat(upper.json().get("updatedAt").isNull()).isTrue();
        for (HttpResponse bad : List.of(badUuid, badInteger)) {
            assertThat(bad.status()).as(bad.body()).isEqualTo(400);
            assertThat(bad.contentType()).startsWith("application/problem+json");
            assertThat(bad.json().get("detail").asText()).contains("/rows/abc", "is not a key of table");
        }
        assertThat(padded.status()).isEqualTo(404);
        assertThat(padded.json().get("detail").asText()).isEqualTo(profiles + " row 7 does not exist and never did");
        for (HttpResponse notAdopted : List.of(unknown, lowerCase)) {
            assertThat(notAdopted.status()).isEqualTo(404);
            assertThat(notAdopted.json().get("detail").asText()).contains("custodian adopt --status");
        }
        assertThat(server.request("POST", path(profiles, "1") + "/revert").token(server.readToken)
                .json("{\"toVersion\": 1}").send().status()).isEqualTo(403);
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.changes")).isEqualTo(changes);
    }

    private static String path(String table, String key) {
        return "/tables/" + table + "/rows/" + key;
    }

    private static JsonNode row(String table, long id) {
        return TestSql.parse(TestSql.value(database, "SELECT to_jsonb(t)::text FROM public.\"" + table + "\" t WHERE id = ?",
                id).toString());
    }

    /** Every row, every column as the driver reads it, by key. */
    private static List<Map<String, Object>> rows(String table) {
        return TestSql.rows(database, "SELECT *, settings::text AS settings_text FROM public.\"" + table + "\" ORDER BY id");
    }

    private static List<Long> versions(String table, String key) {
        return TestSql.rows(database, "SELECT version FROM custodian.changes WHERE table_name = ? AND row_key = ?"
                + " ORDER BY version", table, key).stream().map(row -> (Long) row.get("version")).toList();
    }

    private static void sql(String statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
    }
}
