package dev.custodian.http;

import static dev.custodian.testing.TestUsers.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.CapturedLogs;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What PostgreSQL cannot store as sent — U+0000, a lone surrogate, a number past numeric's
 * range — is refused on every route, naming its place by JSON Pointer; nothing is written, and
 * no piece of the body reaches the log. (JSON escapes below are written {@code \\u0000} so
 * that the request carries the escape itself.)
 */
class UnstorableInputTest {
    private final TestServer server = TestServer.shared();

    @Test
    void nulInANameAnEmailAValueOrAKeyIs422NamingThePlace() {
        String marker = "marker" + UUID.randomUUID().toString().replace("-", "");
        var emails = new ArrayList<String>();
        try (var logs = new CapturedLogs()) {
            assertRefused(create(emails, "\"Ada\\u0000" + marker + "\"", "{}"), 422, "validation", "/name");
            assertRefused(create(emails, "\"Ada\"", "{\"note\": \"" + marker + "\\u0000\"}"), 422, "validation",
                    "/data/note");
            assertRefused(create(emails, "\"Ada\"", "{\"k\\u0000" + marker + "\": 1}"), 422, "validation",
                    "/data/k\u0000" + marker);
            assertRefused(create(emails, "\"Ada\"", "{\"list\": [1, {\"deep\": \"" + marker + "\\u0000\"}]}"), 422,
                    "validation", "/data/list/1/deep");
            assertRefused(create(emails, "\"Ada\"", "{\"a/b~c\": \"\\u0000\"}"), 422, "validation", "/data/a~1b~0c");
            String badEmail = "a\\u0000" + marker + "@example.com";
            assertRefused(server.postJson("/users", "{\"name\": \"Ada\", \"email\": \"" + badEmail + "\"}"), 422,
                    "validation", "/email");

            assertThat(logs.lines()).noneMatch(line -> line.contains(marker));
        }
        assertNoUsersWith(emails);
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users WHERE email LIKE ?",
                "%" + marker + "%")).isZero();
    }

    @Test
    void loneSurrogatesAre400NamingThePlaceWhileEscapedPairsAreAccepted() {
        var emails = new ArrayList<String>();

        assertRefused(create(emails, "\"\\ud800\"", "{}"), 400, "malformed-json", "/name");
        assertRefused(create(emails, "\"Ada\"", "{\"x\": \"x\\udfffy\"}"), 400, "malformed-json", "/data/x");
        // The parser itself refuses a broken key, naming the object that holds it (and line and column).
        assertRefused(create(emails, "\"Ada\"", "{\"ok\": {\"k\\ud800\": 1}}"), 400, "malformed-json", "/data/ok");
        assertRefused(create(emails, "\"Ada\"", "{\"a\": 1, \"\\udc00\": 1}"), 400, "malformed-json", "/data");
        assertRefused(create(emails, "\"Ada\"", "{\"x\": [\"ends with a high half \\ud83d\"]}"), 400,
                "malformed-json", "/data/x/0");
        assertRefused(create(emails, "\"Ada\"", "{\"x\": \"pair reversed \\ude00\\ud83d\"}"), 400,
                "malformed-json", "/data/x");
        assertRefused(create(emails, "\"\\udc00\"", "{\"nul\": \"\\u0000\"}"), 400, "malformed-json",
                "/name", "/data/nul");
        assertNoUsersWith(emails);

        HttpResponse pair = server.postJson("/users", "{\"name\": \"Ada \\ud83d\\ude00\", \"email\": \"" + uniqueEmail()
                + "\", \"data\": {\"k\\ud83d\\ude00\": \"\\ud83d\\ude00\"}}");
        assertThat(pair.status()).as(pair.body()).isEqualTo(201);
        JsonNode stored = TestSql.user(server.dataSource(), pair.json().get("id").asLong());
        assertThat(stored.get("name").asText()).isEqualTo("Ada \uD83D\uDE00");
        assertThat(stored.at("/data/k\uD83D\uDE00").asText()).isEqualTo("\uD83D\uDE00");
    }

    @Test
    void everyRouteThatReadsABodyRefusesAndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);
        long history = historyCount(id);
        String user = "/users/" + id;

        assertRefused(server.mergePatch(user, "{\"data\": {\"address\": \"x\\u0000\"}}"), 422, "validation",
                "/data/address");
        assertRefused(server.request("PATCH", user).json("{\"name\": \"\\ud800\"}").send(), 400, "malformed-json",
                "/name");
        assertRefused(server.jsonPatch(user, "[{\"op\": \"add\", \"path\": \"/data/k\\ud800\", \"value\": 1}]"), 400,
                "malformed-json", "/0/path");
        assertRefused(server.jsonPatch(user, "[{\"op\": \"replace\", \"path\": \"/data/address\", \"value\": \"\\u0000\"}]"),
                422, "validation", "/0/value");
        assertRefused(server.request("PUT", user).ifMatch(1).json("{\"name\": \"Bob\", \"email\": \""
                + before.get("email").asText() + "\", \"data\": {\"x\": \"\\udbff\"}}").send(), 400, "malformed-json",
                "/data/x");
        assertRefused(server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"+1415555\\u00000123\"}"), 422,
                "validation", "/phonenumber");
        assertRefused(server.postJson(user + "/revert", "{\"toVersion\": \"\\ud800\"}"), 400, "malformed-json",
                "/toVersion");
        assertRefused(server.request("POST", "/admin/rollback").token(server.adminToken).json(
                "{\"from\": \"2026-01-01T00:00:00Z\", \"to\": \"2026-01-02T00:00:00Z\", \"actor\": \"x\\u0000\"}").send(),
                422, "validation", "/actor");
        assertRefused(server.request("POST", "/admin/backups").token(server.adminToken).json("{\"dryRun\": \"\\u0000\"}")
                .send(), 422, "validation", "/dryRun");
        assertRefused(server.request("POST", "/admin/backups/none/restore").token(server.adminToken)
                .json("{\"userId\": \"\\ud800\"}").send(), 400, "malformed-json", "/userId");

        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
        assertThat(historyCount(id)).isEqualTo(history);
    }

    @Test
    void numbersPastPostgresNumericAre422AndTheLargestItHoldsAreStored() {
        var emails = new ArrayList<String>();

        HttpResponse tooBig = create(emails, "\"Ada\"", "{\"x\": 1e131072}");
        HttpResponse tooFine = create(emails, "\"Ada\"", "{\"list\": [1, -1.5e-16383]}");

        assertRefused(tooBig, 422, "validation", "/data/x");
        assertThat(tooBig.json().at("/errors/0/message").asText()).contains("131072");
        assertRefused(tooFine, 422, "validation", "/data/list/1");
        assertThat(tooFine.json().at("/errors/0/message").asText()).contains("16383");
        assertNoUsersWith(emails);

        HttpResponse largest = server.postJson("/users", "{\"name\": \"Ada\", \"email\": \"" + uniqueEmail()
                + "\", \"data\": {\"big\": -9.9e131071, \"fine\": 1.5e-16382}}");
        assertThat(largest.status()).isEqualTo(201);
        long id = Long.parseLong(largest.header("Location").replace("/users/", ""));
        assertThat(TestSql.value(server.dataSource(), """
                SELECT (data->'big')::numeric = -9.9e131071 AND (data->'fine')::numeric = 1.5e-16382
                  FROM users WHERE id = ?""", id)).isEqualTo(true);
    }

    @Test
    void textPostgresCannotStoreInAQueryIs422() {
        HttpResponse response = server.get("/users?email=a%00b@example.com");

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.contentType()).isEqualTo(ProblemResponses.CONTENT_TYPE);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
    }

    private HttpResponse create(List<String> emails, String name, String data) {
        String email = uniqueEmail();
        emails.add(email);
        return server.postJson("/users", "{\"name\": " + name + ", \"email\": \"" + email + "\", \"data\": " + data + "}");
    }

    private void assertNoUsersWith(List<String> emails) {
        for (String email : emails) {
            assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users WHERE email = ?", email))
                    .as(email).isZero();
        }
    }

    private long historyCount(long id) {
        return TestSql.count(server.dataSource(), "SELECT count(*) FROM user_changes WHERE user_id = ?", id);
    }

    private static void assertRefused(HttpResponse response, int status, String slug, String... paths) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).isEqualTo(ProblemResponses.CONTENT_TYPE);
        JsonNode body = response.json();
        assertThat(body.get("type").asText()).isEqualTo("/problems/" + slug);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(body.has("errors")).as(response.body()).isTrue();
        var named = new ArrayList<String>();
        body.get("errors").forEach(error -> {
            named.add(error.get("path").asText());
            assertThat(error.get("message").asText()).isNotBlank();
        });
        assertThat(named).containsExactly(paths);
    }
}
