package dev.custodian.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.CapturedLogs;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.ServerOnOwnDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * POST /admin/users/{id}/erase: the person's values leave the row and every history entry, the
 * audit trail keeps that something changed and where, the register records the erasure, and
 * nothing afterwards (revert, rollback, time travel) brings the values back. On its own
 * database: the tests count erasures and roll back by time.
 */
class EraseUserTest {
    @RegisterExtension
    static final ServerOnOwnDatabase OWN = new ServerOnOwnDatabase();
    private static final Pattern ERASURES_METRIC = Pattern.compile("(?m)^custodian_erasures_total(?:\\{[^}]*})? (\\S+)$");

    private final String name = "Erin Erasable";
    private String email;
    private final String phone = "+14155550199";
    private final String address = "17 Forget Me Lane";

    private TestServer server() {
        return OWN.server();
    }

    /** A user with a few recorded changes: create, a phone change, an address change, a soft delete. */
    private long userWithHistory() {
        email = TestUsers.uniqueEmail();
        long id = TestUsers.create(server(), """
                {"name": "%s", "email": "%s", "data": {"phone": "+14155550100", "country": "US"}}""".formatted(name, email));
        assertThat(server().mergePatch("/users/" + id, "{\"data\": {\"phone\": \"" + phone + "\"}}").status()).isEqualTo(200);
        assertThat(server().mergePatch("/users/" + id, "{\"data\": {\"address\": \"" + address + "\"}}").status()).isEqualTo(200);
        return id;
    }

    private HttpResponse erase(long id, String query, String body) {
        return server().request("POST", "/admin/users/" + id + "/erase" + query).token(server().adminToken).json(body).send();
    }

    private List<Map<String, Object>> history(long id) {
        return TestSql.rows(server().dataSource(), """
                SELECT version, at, actor, request_id, source, op, changes::text AS changes, undo::text AS undo,
                       snapshot::text AS snapshot
                  FROM user_changes WHERE user_id = ? ORDER BY version""", id);
    }

    private long erasures() {
        return TestSql.count(server().dataSource(), "SELECT count(*) FROM erasures");
    }

    @Test
    void erasingRemovesTheRowAndEveryValueFromHistoryWhileEntriesKeepVersionTimeActorOpAndPaths() {
        long id = userWithHistory();
        List<Map<String, Object>> before = history(id);

        HttpResponse response = erase(id, "", "{\"reason\": \"GDPR art. 17, ticket 4711\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("dryRun").asBoolean()).isFalse();
        assertThat(report.get("rows").asLong()).isEqualTo(1);
        assertThat(report.get("historyEntries").asLong()).isEqualTo(before.size() + 1);
        assertThat(report.get("erasureId").asLong()).isPositive();
        assertThat(TestSql.count(server().dataSource(), "SELECT count(*) FROM users WHERE id = ?", id)).isZero();
        List<Map<String, Object>> after = history(id);
        assertThat(after).hasSize(before.size() + 1);
        for (int i = 0; i < before.size(); i++) {
            Map<String, Object> was = before.get(i);
            Map<String, Object> now = after.get(i);
            for (String kept : List.of("version", "at", "actor", "request_id", "source", "op")) {
                assertThat(now.get(kept)).as(kept + " of version " + was.get("version")).isEqualTo(was.get(kept));
            }
            assertThat(paths(now.get("changes"))).isEqualTo(paths(was.get("changes")));
            assertThat(paths(now.get("undo"))).isEqualTo(paths(was.get("undo")));
            assertThat(now.get("snapshot")).isNull();
        }
        assertThat(paths(after.get(1).get("changes"))).containsExactly("/data/phone");
        assertThat(paths(after.get(2).get("changes"))).containsExactly("/data/address");
        Map<String, Object> erasure = after.get(after.size() - 1);
        assertThat(erasure.get("op")).isEqualTo("erase");
        assertThat(erasure.get("actor")).isEqualTo(report.get("actor").asText());
        assertThat(erasure.get("request_id")).isEqualTo(report.get("requestId").asText()).isNotNull();
        String everything = TestSql.value(server().dataSource(),
                "SELECT string_agg(c::text, ' ') FROM user_changes c WHERE user_id = ?", id).toString();
        assertThat(everything).doesNotContain(name, email, phone, address, "+14155550100", "\"value\"");
    }

    @Test
    void theRegisterRecordsWhoWhenWhyAndTheRequestAndCannotBeChanged() {
        long id = userWithHistory();

        JsonNode report = erase(id, "", "{\"reason\": \"asked by email, ticket 99\"}").json();

        List<Map<String, Object>> entries = TestSql.rows(server().dataSource(), """
                SELECT id, table_name, row_key, actor, request_id, reason, history_entries, custodian_time(at) AS at
                  FROM erasures WHERE row_key = ?""", Long.toString(id));
        assertThat(entries).hasSize(1);
        Map<String, Object> entry = entries.get(0);
        assertThat(entry.get("id")).isEqualTo(report.get("erasureId").asLong());
        assertThat(entry.get("table_name")).isEqualTo("users");
        assertThat(entry.get("actor")).isEqualTo(report.get("actor").asText()).asString().startsWith("token:admin-");
        assertThat(entry.get("request_id")).isEqualTo(report.get("requestId").asText());
        assertThat(entry.get("reason")).isEqualTo("asked by email, ticket 99");
        assertThat(entry.get("history_entries")).isEqualTo(report.get("historyEntries").asLong());
        assertThat(entry.get("at")).isEqualTo(report.get("at").asText());
        var refusal = TestSql.refusal(server().dataSource(), "DELETE FROM erasures WHERE row_key = '" + id + "'");
        assertThat(refusal.getSQLState()).isEqualTo("CU004");
        assertThat(TestSql.count(server().dataSource(), "SELECT count(*) FROM erasures WHERE row_key = ?",
                Long.toString(id))).isEqualTo(1);
    }

    @Test
    void aDryRunReportsRowsHistoryAndBackupsAndChangesNothing() {
        long id = userWithHistory();
        JsonNode row = TestSql.user(server().dataSource(), id);
        List<Map<String, Object>> history = history(id);
        long registered = erasures();

        HttpResponse response = erase(id, "?dryRun=true", "{\"reason\": \"checking first\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("dryRun").asBoolean()).isTrue();
        assertThat(report.get("rows").asLong()).isEqualTo(1);
        assertThat(report.get("historyEntries").asLong()).isEqualTo(history.size() + 1);
        assertThat(report.get("backups").get("count").asLong()).isZero();
        assertThat(report.get("erasureId").isNull()).isTrue();
        assertThat(TestSql.user(server().dataSource(), id)).isEqualTo(row);
        assertThat(history(id)).isEqualTo(history);
        assertThat(erasures()).isEqualTo(registered);
        HttpResponse inBody = erase(id, "", "{\"reason\": \"checking first\", \"dryRun\": true}");
        assertThat(inBody.json().get("dryRun").asBoolean()).isTrue();
        assertThat(history(id)).isEqualTo(history);
    }

    @Test
    void anErasureIsListedInRecentChangesAndCountedInTheMetrics() {
        long id = userWithHistory();
        double counted = erasuresMetric();

        JsonNode report = erase(id, "", "{\"reason\": \"loud\"}").json();

        HttpResponse changes = server().request("GET", "/changes?requestId=" + report.get("requestId").asText())
                .token(server().readToken).send();
        assertThat(changes.status()).isEqualTo(200);
        JsonNode items = changes.json().get("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).get("userId").asLong()).isEqualTo(id);
        assertThat(items.get(0).get("op").asText()).isEqualTo("erase");
        assertThat(items.get(0).toString()).doesNotContain(name, email, phone);
        assertThat(erasuresMetric()).isEqualTo(counted + 1).isEqualTo((double) erasures());
    }

    @Test
    void theAccessLogNamesTheErasureWithoutAnyOfTheErasedValues() throws InterruptedException {
        long id = userWithHistory();
        List<String> lines;
        try (CapturedLogs logs = new CapturedLogs()) {
            erase(id, "", "{\"reason\": \"quiet values, loud act\"}");
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            do {
                lines = logs.lines();
                Thread.sleep(20);
            } while (lines.stream().noneMatch(line -> line.contains("/admin/users/{id}/erase 200"))
                    && Instant.now().isBefore(deadline));
        }
        assertThat(lines).anyMatch(line -> line.startsWith("POST /admin/users/{id}/erase 200"));
        assertThat(lines).anyMatch(line -> line.contains("user " + id + " erased by token:admin-"));
        assertThat(String.join("\n", lines)).doesNotContain(name, email, phone, address, "quiet values");
    }

    @Test
    void aRevertOfAnErasedUserIsRefusedWith410AndBringsNothingBack() {
        long id = userWithHistory();
        erase(id, "", "{\"reason\": \"gone\"}");
        List<Map<String, Object>> history = history(id);

        for (String body : List.of("{\"toVersion\": 2}", "{\"undoVersion\": 4}")) {
            HttpResponse revert = server().postJson("/users/" + id + "/revert", body);

            assertThat(revert.status()).as(revert.body()).isEqualTo(410);
            assertThat(revert.contentType()).isEqualTo("application/problem+json");
            assertThat(revert.json().get("type").asText()).isEqualTo("/problems/erased");
            assertThat(revert.json().get("erasedAt").asText()).isNotBlank();
        }
        assertThat(TestSql.count(server().dataSource(), "SELECT count(*) FROM users WHERE id = ?", id)).isZero();
        assertThat(history(id)).isEqualTo(history);
        HttpResponse past = server().request("GET", "/users/" + id + "?version=2").token(server().readToken).send();
        assertThat(past.status()).as(past.body()).isEqualTo(410);
        assertThat(past.body()).doesNotContain(phone);
    }

    @Test
    void aRollbackAcrossTheErasureSkipsTheErasedUserAndReportsIt() {
        Instant from = Instant.now();
        long id = userWithHistory();
        erase(id, "", "{\"reason\": \"gone\"}");
        List<Map<String, Object>> history = history(id);
        String to = Instant.now().plusSeconds(1).toString();

        // Undo the user's own writes, and the erasure itself: neither brings a value back.
        for (String actor : List.of(history.get(0).get("actor").toString(), history.get(history.size() - 1).get("actor").toString())) {
            HttpResponse rollback = server().request("POST", "/admin/rollback").token(server().adminToken).json("""
                    {"from": "%s", "to": "%s", "actor": "%s"}""".formatted(from, to, actor)).send();

            assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
            JsonNode failed = rollback.json().get("failed");
            assertThat(failed.findValuesAsText("userId")).contains(Long.toString(id));
            failed.forEach(failure -> {
                if (failure.get("userId").asLong() == id) {
                    assertThat(failure.get("detail").asText()).contains("was erased");
                }
            });
        }
        assertThat(TestSql.count(server().dataSource(), "SELECT count(*) FROM users WHERE id = ?", id)).isZero();
        assertThat(history(id)).isEqualTo(history);
    }

    @Test
    void readAndWriteTokensAreRefused403AndNothingIsErased() {
        long id = userWithHistory();
        JsonNode row = TestSql.user(server().dataSource(), id);

        for (String token : List.of(server().readToken, server().writeToken)) {
            HttpResponse response = server().request("POST", "/admin/users/" + id + "/erase").token(token)
                    .json("{\"reason\": \"not mine to erase\"}").send();
            assertThat(response.status()).isEqualTo(403);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
        }
        assertThat(TestSql.user(server().dataSource(), id)).isEqualTo(row);
        assertThat(TestSql.count(server().dataSource(), "SELECT count(*) FROM erasures WHERE row_key = ?",
                Long.toString(id))).isZero();
    }

    @Test
    void anUnknownUserIs404AndASecondErasureIs410() {
        HttpResponse unknown = erase(987_654_321L, "", "{\"reason\": \"who?\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("type").asText()).isEqualTo("/problems/not-found");

        long id = userWithHistory();
        assertThat(erase(id, "", "{\"reason\": \"first\"}").status()).isEqualTo(200);
        long registered = erasures();
        HttpResponse again = erase(id, "", "{\"reason\": \"second\"}");
        assertThat(again.status()).isEqualTo(410);
        assertThat(again.json().get("type").asText()).isEqualTo("/problems/erased");
        assertThat(erasures()).isEqualTo(registered);
    }

    @Test
    void readingAnErasedUserIs410NamingTheErasureTimeAndANeverKnownOneStays404() {
        long id = userWithHistory();
        String at = erase(id, "", "{\"reason\": \"gone\"}").json().get("at").asText();

        HttpResponse read = server().request("GET", "/users/" + id).token(server().readToken).send();
        HttpResponse unknown = server().request("GET", "/users/987654321").token(server().readToken).send();

        assertThat(read.status()).as(read.body()).isEqualTo(410);
        assertThat(read.contentType()).isEqualTo("application/problem+json");
        assertThat(read.json().get("type").asText()).isEqualTo("/problems/erased");
        assertThat(Instant.parse(read.json().get("erasedAt").asText())).isEqualTo(Instant.parse(at));
        assertThat(read.json().get("detail").asText()).startsWith("user " + id + " was erased at ");
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aMissingOrBlankReasonIs422NamingItAndNothingIsErased() {
        long id = userWithHistory();
        JsonNode row = TestSql.user(server().dataSource(), id);

        for (String body : List.of("{}", "{\"reason\": \"  \"}", "{\"reason\": 7}", "{\"reason\": \"x\", \"why\": 1}")) {
            HttpResponse response = erase(id, "", body);
            assertThat(response.status()).as(body).isEqualTo(422);
            assertThat(response.contentType()).isEqualTo("application/problem+json");
            assertThat(response.json().get("errors").findValuesAsText("path")).containsAnyOf("/reason", "/why");
        }
        assertThat(TestSql.user(server().dataSource(), id)).isEqualTo(row);
    }

    @Test
    void aUserDeletedBeforeIsErasedFromHistoryWithAnEntryOfItsOwn() {
        long id = userWithHistory();
        TestSql.execute(server().dataSource(), "DELETE FROM users WHERE id = ?", id);
        int entries = history(id).size();

        JsonNode report = erase(id, "", "{\"reason\": \"deleted long ago\"}").json();

        assertThat(report.get("rows").asLong()).isZero();
        assertThat(report.get("historyEntries").asLong()).isEqualTo(entries + 1);
        List<Map<String, Object>> history = history(id);
        assertThat(history.get(history.size() - 1).get("op")).isEqualTo("erase");
        assertThat(history.toString()).doesNotContain(name, email, phone, address);
    }

    @Test
    void rawSqlCannotRewriteHistoryNorInsertAnErasedUserAgainNorEraseInBulkUnconfirmed() {
        long kept = userWithHistory();
        long erased = userWithHistory();
        erase(erased, "", "{\"reason\": \"gone\"}");
        List<Map<String, Object>> keptHistory = history(kept);
        List<Map<String, Object>> erasedHistory = history(erased);

        var rewrite = TestSql.refusal(server().dataSource(),
                "UPDATE user_changes SET actor = 'someone else' WHERE user_id = " + kept);
        var putBack = TestSql.refusal(server().dataSource(), "UPDATE user_changes SET changes = '[{\"op\": \"replace\","
                + " \"path\": \"/name\", \"value\": \"x\"}]' WHERE user_id = " + erased + " AND version = 1");
        var insertAgain = TestSql.refusal(server().dataSource(),
                "INSERT INTO users (id, name, email) VALUES (" + erased + ", 'Back', 'back@example.com')");

        long registered = erasures();
        var bulk = TestSql.refusal(server().dataSource(), """
                INSERT INTO erasures (table_name, row_key, actor, reason, history_entries)
                SELECT 'users', k::text, 'sql:test', 'all at once', 0 FROM unnest(ARRAY[%d, %d]) k""".formatted(kept, kept + 1_000_000));

        assertThat(rewrite.getSQLState()).as("the history guard").isEqualTo("CU005");
        assertThat(List.of(putBack, insertAgain)).extracting(e -> e.getSQLState()).containsOnly("CU004");
        assertThat(bulk.getSQLState()).as("the bulk guard").isEqualTo("CU002");
        assertThat(erasures()).isEqualTo(registered);
        assertThat(insertAgain.getMessage()).contains("users row " + erased + " was erased");
        assertThat(history(kept)).isEqualTo(keptHistory);
        assertThat(history(erased)).isEqualTo(erasedHistory);
    }

    private double erasuresMetric() {
        HttpResponse metrics = server().request("GET", "/metrics").token(server().readToken).send();
        Matcher matcher = ERASURES_METRIC.matcher(metrics.body());
        assertThat(matcher.find()).as(metrics.body()).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static List<String> paths(Object operations) {
        return TestSql.parse(operations.toString()).findValuesAsText("path");
    }
}
