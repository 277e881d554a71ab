package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;

/** POST /users/{id}/revert: a past version made current again, or one change undone, as a new recorded change. */
class RevertTest {
    private final TestServer server = TestServer.shared();

    @Test
    void revertToAVersionMakesItsStateCurrentAsANewVersion() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode first = TestSql.user(server.dataSource(), id);
        History.ok(server.mergePatch("/users/" + id, "{\"name\": \"Robert\", \"data\": {\"phone\": \"+14155550111\"}}"));
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"address\": null, \"extra\": {\"a\": 1}}}"));

        HttpResponse response = revert(id, "{\"toVersion\": 1}");

        History.ok(response);
        assertThat(response.header("ETag")).isEqualTo("\"4\"");
        assertThat(response.json().get("version").asLong()).isEqualTo(4);
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.get("data")).isEqualTo(first.get("data"));
        assertThat(stored.get("name")).isEqualTo(first.get("name"));
        assertThat(stored.get("version").asLong()).isEqualTo(4);
        JsonNode entry = History.entry(server.dataSource(), id, 4);
        assertThat(entry.get("op").asText()).isEqualTo("revert");
        assertThat(entry.get("actor").asText()).startsWith("token:writer-");
        assertThat(entry.get("requestId").asText()).isEqualTo(response.header("X-Request-Id"));
    }

    @Test
    void undoOfOneChangeKeepsLaterChangesToOtherPaths() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"+14155550123\"}"));
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"address\": \"9 Low St\"}}"));

        HttpResponse response = revert(id, "{\"undoVersion\": 2}");

        History.ok(response);
        JsonNode data = TestSql.user(server.dataSource(), id).get("data");
        assertThat(data.get("phone").asText()).isEqualTo("+14155550000");
        assertThat(data.get("address").asText()).isEqualTo("9 Low St");
        assertThat(History.entry(server.dataSource(), id, 4).get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"replace\", \"path\": \"/data/phone\", \"value\": \"+14155550000\"}]"));
    }

    @Test
    void undoOfAnAddedKeyRemovesIt() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"nickname\": \"Bobby\"}}"));

        History.ok(revert(id, "{\"undoVersion\": 2}"));

        assertThat(TestSql.user(server.dataSource(), id).get("data").has("nickname")).isFalse();
    }

    @Test
    void undoIsRefusedWhenALaterChangeTouchedTheSamePaths() {
        long id = TestUsers.create(server, "{\"name\": \"Ann\", \"email\": \"" + TestUsers.uniqueEmail()
                + "\", \"data\": {\"address\": {\"street\": \"1 Main\", \"city\": \"Oslo\"}, \"phone\": \"+14155550000\"}}");
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"address\": {\"city\": \"Bergen\"}, \"phone\": \"+14155550001\"}}"));
        History.ok(server.request("PATCH", "/users/" + id).ifMatch(2)
                .body("application/merge-patch+json", "{\"data\": {\"address\": \"Bergen, somewhere\"}}").send());
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550002\"}}"));
        JsonNode before = TestSql.user(server.dataSource(), id);
        long changes = History.changeCount(server.dataSource(), id);

        HttpResponse response = revert(id, "{\"undoVersion\": 2}");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/revert-conflict");
        assertThat(response.json().get("conflicts")).isEqualTo(TestSql.parse("""
                [{"path": "/data/address/city", "changedIn": [3]}, {"path": "/data/phone", "changedIn": [4]}]"""));
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
        assertThat(History.changeCount(server.dataSource(), id)).isEqualTo(changes);
    }

    @Test
    void undoOfASoftDeleteBringsTheUserBack() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode alive = History.ok(server.get("/users/" + id)).json();
        assertThat(server.request("DELETE", "/users/" + id).send().status()).isEqualTo(204);

        HttpResponse response = revert(id, "{\"undoVersion\": 2}");

        History.ok(response);
        assertThat(response.json().get("data")).isEqualTo(alive.get("data"));
        assertThat(response.json().get("version").asLong()).isEqualTo(3);
        assertThat(TestSql.user(server.dataSource(), id).get("deleted").asBoolean()).isFalse();
        assertThat(History.ok(server.get("/users/" + id)).json().get("createdAt")).isEqualTo(alive.get("createdAt"));
    }

    @Test
    void undoOfAHardDeleteInsertsTheUserAgainFromHistory() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"CA\"}}"));
        JsonNode alive = History.ok(server.get("/users/" + id)).json();
        TestSql.execute(server.dataSource(), "DELETE FROM users WHERE id = ?", id);

        HttpResponse response = revert(id, "{\"undoVersion\": 3}");

        History.ok(response);
        assertThat(response.header("ETag")).isEqualTo("\"4\"");
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.get("data")).isEqualTo(alive.get("data"));
        assertThat(stored.get("version").asLong()).isEqualTo(4);
        assertThat(response.json().get("createdAt")).isEqualTo(alive.get("createdAt"));
        assertThat(History.entry(server.dataSource(), id, 4).get("op").asText()).isEqualTo("revert");
    }

    @Test
    void revertToAVersionBringsBackAHardDeletedUser() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode alive = History.ok(server.get("/users/" + id)).json();
        TestSql.execute(server.dataSource(), "DELETE FROM users WHERE id = ?", id);

        History.ok(revert(id, "{\"toVersion\": 1}"));

        assertThat(TestSql.user(server.dataSource(), id).get("data")).isEqualTo(alive.get("data"));
    }

    @Test
    void undoOfTheLatestChangeWithNothingAfterItAlwaysApplies() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + id, "{\"email\": \"" + TestUsers.uniqueEmail() + "\"}"));
        JsonNode first = History.ok(server.get("/users/" + id + "?version=1")).json();

        History.ok(revert(id, "{\"undoVersion\": 2}"));

        assertThat(TestSql.user(server.dataSource(), id).get("email")).isEqualTo(first.get("email"));
    }

    @Test
    void dryRunsShowTheResultAndChangeNothing() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"+14155550123\"}"));
        assertThat(server.request("DELETE", "/users/" + id).send().status()).isEqualTo(204);
        JsonNode before = TestSql.user(server.dataSource(), id);
        long changes = History.changeCount(server.dataSource(), id);

        HttpResponse undo = History.ok(server.request("POST", "/users/" + id + "/revert?dryRun=true").json("{\"undoVersion\": 3}").send());
        HttpResponse revert = History.ok(server.request("POST", "/users/" + id + "/revert?dryRun=true").json("{\"toVersion\": 1}").send());

        assertThat(undo.json().get("dryRun").asBoolean()).isTrue();
        assertThat(undo.json().get("before").isNull()).isTrue();
        assertThat(undo.json().at("/after/data/phone").asText()).isEqualTo("+14155550123");
        assertThat(undo.json().get("changes")).isEqualTo(TestSql.parse("[{\"op\": \"replace\", \"path\": \"/deleted\", \"value\": false}]"));
        assertThat(revert.json().get("changes")).isEqualTo(TestSql.parse("""
                [{"op": "replace", "path": "/data/phone", "value": "+14155550000"},
                 {"op": "replace", "path": "/deleted", "value": false}]"""));
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
        assertThat(History.changeCount(server.dataSource(), id)).isEqualTo(changes);
    }

    @Test
    void ifMatchThatIsNotTheCurrentVersionIs412() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"CA\"}}"));

        HttpResponse stale = server.request("POST", "/users/" + id + "/revert").ifMatch(1).json("{\"toVersion\": 1}").send();
        HttpResponse fresh = server.request("POST", "/users/" + id + "/revert").ifMatch(2).json("{\"toVersion\": 1}").send();

        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.json().get("currentVersion").asLong()).isEqualTo(2);
        History.ok(fresh);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/country").asText()).isEqualTo("US");
    }

    @Test
    void invalidBodiesAre422AndChangeNothing() {
        long id = TestUsers.createIncidentUser(server);

        for (String body : new String[] {"{}", "{\"toVersion\": 1, \"undoVersion\": 1}", "{\"toVersion\": 0}",
                "{\"toVersion\": \"1\"}", "{\"toVersion\": 1.5}", "{\"version\": 1}", "{\"toVersion\": 7}", "{\"undoVersion\": 7}"}) {
            HttpResponse response = revert(id, body);
            assertThat(response.status()).as(body).isEqualTo(422);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
        }
        assertThat(History.changeCount(server.dataSource(), id)).isEqualTo(1);
        assertThat(server.request("POST", "/users/" + id + "/revert").json("[1]").send().status()).isEqualTo(422);
        assertThat(server.request("POST", "/users/" + id + "/revert").json("{").send().status()).isEqualTo(400);
    }

    @Test
    void revertOfAUserThatNeverExistedIs404() {
        assertThat(revert(987654322L, "{\"toVersion\": 1}").status()).isEqualTo(404);
    }

    @Test
    void revertNeedsTheWriteRole() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse response = server.request("POST", "/users/" + id + "/revert").token(server.readToken)
                .json("{\"toVersion\": 1}").send();

        assertThat(response.status()).isEqualTo(403);
    }

    private HttpResponse revert(long id, String body) {
        return server.request("POST", "/users/" + id + "/revert").json(body).send();
    }
}
