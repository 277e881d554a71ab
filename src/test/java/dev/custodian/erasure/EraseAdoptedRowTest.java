package dev.custodian.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.adopt.Adoptions;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin/tables/{table}/rows/{key}/erase}: a row of an adopted table erased through
 * the same erase path as users: the row gone, its history without values (paths kept), the
 * register's entry; nothing brings it back, and the database itself refuses a re-insert under
 * its key and any other change of the adopted tables' history.
 */
class EraseAdoptedRowTest {
    private static final String REASON = "{\"reason\": \"GDPR article 17 request, ticket 4711\"}";
    private static final String VALUES = """
            SELECT count(*) FROM custodian.changes
             WHERE table_name = 'Members' AND row_key = ?
               AND (snapshot IS NOT NULL OR jsonb_path_exists(changes, '$[*].value') OR jsonb_path_exists(undo, '$[*].value'))
            """;
    private static DataSource database;
    private static TestServer server;

    @BeforeAll
    static void start() throws SQLException {
        database = TestDatabase.fresh();
        server = TestServer.start(database, settings -> settings);
        sql("""
                CREATE TABLE public."Members" (
                    id          text PRIMARY KEY,
                    name        text NOT NULL,
                    data        jsonb NOT NULL DEFAULT '{}',
                    "createdAt" timestamptz NOT NULL DEFAULT now()
                );
                INSERT INTO public."Members" (id, name, data) VALUES
                    ('ann', 'Ann', '{"phone": "+1", "address": "1 Main St"}'),
                    ('bob', 'Bob', '{"phone": "+2"}'),
                    ('cy', 'Cy', '{}');
                """);
        try (Connection connection = database.getConnection()) {
            Adoptions.adopt(connection, "Members", "id", "test");
        }
        sql("UPDATE public.\"Members\" SET data = jsonb_set(data, '{phone}', '\"+9\"') WHERE id = 'ann'");
        sql("UPDATE public.\"Members\" SET name = 'Ann B' WHERE id = 'ann'");
        sql("UPDATE public.\"Members\" SET name = 'Bobby' WHERE id = 'bob'");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anErasedRowIsGoneWithTheValuesOfItsHistoryAndStaysErased() throws Exception {
        Instant from = Instant.now().minusSeconds(3600);
        var bob = TestSql.rows(database, "SELECT * FROM public.\"Members\" WHERE id = 'bob'");
        var bobHistory = TestSql.rows(database, "SELECT * FROM custodian.changes WHERE row_key = 'bob' ORDER BY version");
        var annHistory = TestSql.rows(database, "SELECT * FROM custodian.changes WHERE row_key = 'ann' ORDER BY version");
        var ann = TestSql.rows(database, "SELECT * FROM public.\"Members\" WHERE id = 'ann'");

        HttpResponse preview = erase("ann", "?dryRun=true");

        assertThat(preview.status()).as(preview.body()).isEqualTo(200);
        assertThat(preview.json().get("dryRun").asBoolean()).isTrue();
        assertThat(preview.json().get("table").asText()).isEqualTo("Members");
        assertThat(preview.json().get("key").asText()).isEqualTo("ann");
        assertThat(preview.json().get("rows").asLong()).isEqualTo(1);
        assertThat(preview.json().get("historyEntries").asLong()).isEqualTo(4);
        assertThat(preview.json().get("erasureId").isNull()).isTrue();
        assertThat(TestSql.rows(database, "SELECT * FROM public.\"Members\" WHERE id = 'ann'")).isEqualTo(ann);
        assertThat(TestSql.rows(database, "SELECT * FROM custodian.changes WHERE row_key = 'ann' ORDER BY version"))
                .isEqualTo(annHistory);
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.erasures")).isZero();

        HttpResponse erased = erase("ann", "");

        assertThat(erased.status()).as(erased.body()).isEqualTo(200);
        assertThat(erased.json().get("erasureId").asLong()).isPositive();
        assertThat(erased.json().get("backups").get("count").asInt()).isZero();
        assertThat(TestSql.count(database, "SELECT count(*) FROM public.\"Members\" WHERE id = 'ann'")).isZero();
        assertThat(TestSql.count(database, VALUES, "ann")).isZero();
        assertThat(TestSql.rows(database, """
                SELECT version, op, jsonb_path_query_array(changes, '$[*].path')::text AS paths FROM custodian.changes
                 WHERE row_key = 'ann' ORDER BY version""")).containsExactly(
                Map.of("version", 1L, "op", "adopt", "paths", "[\"\"]"),
                Map.of("version", 2L, "op", "update", "paths", "[\"/data/phone\"]"),
                Map.of("version", 3L, "op", "update", "paths", "[\"/name\"]"),
                Map.of("version", 4L, "op", "erase", "paths", "[\"\"]"));
        assertThat(TestSql.rows(database, "SELECT table_name, row_key, reason, history_entries FROM custodian.erasures"))
                .containsExactly(Map.of("table_name", "Members", "row_key", "ann",
                        "reason", "GDPR article 17 request, ticket 4711", "history_entries", 4L));
        assertThat(TestSql.rows(database, "SELECT * FROM public.\"Members\" WHERE id = 'bob'")).isEqualTo(bob);
        assertThat(TestSql.rows(database, "SELECT * FROM custodian.changes WHERE row_key = 'bob' ORDER BY version"))
                .isEqualTo(bobHistory);

        // Nothing brings it back: reads, reverts, rollbacks and a second erasure say so.
        for (HttpResponse gone : List.of(server.get("/tables/Members/rows/ann"),
                server.get("/tables/Members/rows/ann?version=2"),
                server.postJson("/tables/Members/rows/ann/revert", "{\"toVersion\": 2}"),
                erase("ann", ""))) {
            assertThat(gone.status()).as(gone.body()).isEqualTo(410);
            assertThat(gone.json().get("type").asText()).isEqualTo("/problems/erased");
        }
        HttpResponse rollback = server.request("POST", "/admin/rollback").token(server.adminToken).json(
                "{\"table\": \"Members\", \"from\": \"" + from + "\", \"to\": \"" + Instant.now() + "\", \"dryRun\": true}").send();
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.json().get("failed").findValuesAsText("key")).contains("ann");
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.changes WHERE row_key = 'ann'")).isEqualTo(4);

        // The database itself: no row under the erased key, whoever inserts it; history unchanged.
        assertThat(TestSql.refusal(database, "INSERT INTO public.\"Members\" (id, name) VALUES ('ann', 'Ann again')")
                .getSQLState()).isEqualTo("CU004");
        assertThat(TestSql.refusal(database, "UPDATE public.\"Members\" SET id = 'ann' WHERE id = 'cy'")
                .getSQLState()).isEqualTo("CU004");
        assertThat(TestSql.refusal(database, "UPDATE custodian.changes SET actor = 'someone' WHERE row_key = 'bob'")
                .getSQLState()).isEqualTo("CU005");
        assertThat(TestSql.refusal(database, "UPDATE custodian.changes SET actor = 'someone' WHERE row_key = 'ann'")
                .getSQLState()).isEqualTo("CU004");
        assertThat(TestSql.refusal(database, "DELETE FROM custodian.changes WHERE row_key = 'ann'")
                .getSQLState()).isEqualTo("CU005");
        assertThat(TestSql.refusal(database, "TRUNCATE custodian.changes").getSQLState()).isEqualTo("CU005");
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.changes WHERE row_key IN ('ann', 'bob')"))
                .isEqualTo(6);
    }

    @Test
    void aKeyNeverSeenATableNotAdoptedAndAMissingReasonChangeNothing() {
        long changes = TestSql.count(database, "SELECT count(*) FROM custodian.changes");

        HttpResponse unknownKey = erase("zed", "");
        HttpResponse unknownTable = server.request("POST", "/admin/tables/members/rows/bob/erase")
                .token(server.adminToken).json(REASON).send();
        HttpResponse noReason = server.request("POST", "/admin/tables/Members/rows/bob/erase")
                .token(server.adminToken).json("{}").send();
        HttpResponse writer = server.request("POST", "/admin/tables/Members/rows/bob/erase").json(REASON).send();

        assertThat(unknownKey.status()).isEqualTo(404);
        assertThat(unknownTable.status()).isEqualTo(404);
        assertThat(unknownTable.json().get("detail").asText()).contains("custodian adopt --status");
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(writer.status()).isEqualTo(403);
        assertThat(TestSql.count(database, "SELECT count(*) FROM public.\"Members\" WHERE id = 'bob'")).isEqualTo(1);
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.changes")).isEqualTo(changes);
        assertThat(TestSql.count(database, "SELECT count(*) FROM custodian.erasures WHERE row_key <> 'ann'")).isZero();
    }

    private static HttpResponse erase(String key, String query) {
        return server.request("POST", "/admin/tables/Members/rows/" + key + "/erase" + query)
                .token(server.adminToken).json(REASON).send();
    }

    private static void sql(String statements) throws SQLException {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(statements);
        }
    }
}
