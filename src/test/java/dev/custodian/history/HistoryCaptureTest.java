package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.patch.JsonPatch;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.RandomJson;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every change of a user is recorded by the database, through the API or not. */
class HistoryCaptureTest {
    private final TestServer server = TestServer.shared();

    @Test
    void apiWritesAreRecordedWithTheirActorRequestIdAndOp() {
        HttpResponse created = server.request("POST", "/users").header("X-Request-Id", "req-create-1")
                .json("{\"name\": \"Ann\", \"email\": \"" + TestUsers.uniqueEmail() + "\", \"data\": {\"phone\": \"+14155550000\"}}")
                .send();
        long id = created.json().get("id").asLong();
        History.ok(server.request("PATCH", "/users/" + id).header("X-Request-Id", "req-patch-1")
                .body("application/merge-patch+json", "{\"data\": {\"country\": \"US\"}}").send());
        History.ok(server.request("PUT", "/users/" + id).ifMatch(2)
                .json("{\"name\": \"Anna\", \"email\": \"" + created.json().get("email").asText() + "\", \"data\": {\"country\": \"US\"}}")
                .send());
        assertThat(server.request("DELETE", "/users/" + id).send().status()).isEqualTo(204);

        HttpResponse history = History.ok(server.get("/users/" + id + "/history"));

        assertThat(history.contentType()).startsWith("application/json");
        JsonNode items = history.json().get("items");
        assertThat(items).hasSize(4);
        assertThat(history.json().get("next").isNull()).isTrue();
        List<String> ops = new ArrayList<>();
        items.forEach(item -> ops.add(item.get("op").asText()));
        assertThat(ops).containsExactly("delete", "replace", "update", "create");
        JsonNode update = items.get(2);
        assertThat(update.get("version").asLong()).isEqualTo(2);
        assertThat(update.get("actor").asText()).startsWith("token:writer-");
        assertThat(update.get("requestId").asText()).isEqualTo("req-patch-1");
        assertThat(update.get("source").asText()).isEqualTo("api");
        assertThat(update.get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(update.get("changes")).isEqualTo(TestSql.parse("[{\"op\": \"add\", \"path\": \"/data/country\", \"value\": \"US\"}]"));
        assertThat(update.get("undo")).isEqualTo(TestSql.parse("[{\"op\": \"remove\", \"path\": \"/data/country\"}]"));
        assertThat(items.get(3).get("requestId").asText()).isEqualTo("req-create-1");
        assertThat(items.get(1).get("changes")).isEqualTo(TestSql.parse("""
                [{"op": "replace", "path": "/name", "value": "Anna"}, {"op": "remove", "path": "/data/phone"}]"""));
        assertThat(items.get(0).get("changes")).isEqualTo(TestSql.parse("[{\"op\": \"replace\", \"path\": \"/deleted\", \"value\": true}]"));
        assertThat(History.entry(server.dataSource(), id, 4).get("snapshot").get("deleted").asBoolean()).isTrue();
        assertThat(History.changeCount(server.dataSource(), id)).isEqualTo(4);
    }

    @Test
    void rawSqlInsertUpdateAndDeleteAreRecordedAsSqlWithTheDatabaseRole() throws Exception {
        String role = History.currentDatabaseRole(server.dataSource());
        long id;
        try (Connection connection = History.rawConnection(server.dataSource())) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO users (name, email, data) VALUES ('Raw', ?, '{\"a\": 1}') RETURNING id")) {
                insert.setString(1, TestUsers.uniqueEmail());
                try (ResultSet rows = insert.executeQuery()) {
                    rows.next();
                    id = rows.getLong(1);
                }
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE users SET data = data || '{\"b\": {\"c\": true}}' WHERE id = ?")) {
                update.setLong(1, id);
                update.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM users WHERE id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        }

        var rows = TestSql.rows(server.dataSource(),
                "SELECT version, actor, source, op, request_id FROM user_changes WHERE user_id = ? ORDER BY version", id);
        assertThat(rows).hasSize(3);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.get("actor")).isEqualTo("sql:" + role);
            assertThat(row.get("source")).isEqualTo("sql");
            assertThat(row.get("request_id")).isNull();
        });
        assertThat(rows.stream().map(row -> row.get("op")).toList()).containsExactly("create", "update", "delete");
        JsonNode delete = History.entry(server.dataSource(), id, 3);
        assertThat(delete.get("undo").get(0).get("value")).isEqualTo(TestSql.parse(
                "{\"name\": \"Raw\", \"email\": \"" + delete.at("/undo/0/value/email").asText()
                        + "\", \"data\": {\"a\": 1, \"b\": {\"c\": true}}, \"deleted\": false}"));
        assertThat(History.entry(server.dataSource(), id, 2).get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"add\", \"path\": \"/data/b\", \"value\": {\"c\": true}}]"));

        HttpResponse history = History.ok(server.get("/users/" + id + "/history"));
        assertThat(history.json().at("/items/0/source").asText()).isEqualTo("sql");
        assertThat(history.json().at("/items/0/actor").asText()).isEqualTo("sql:" + role);
        assertThat(history.json().at("/items/0/requestId").isNull()).isTrue();
    }

    @Test
    void anUpdateThatChangesNothingRecordsNothing() {
        long id = TestUsers.createIncidentUser(server);

        TestSql.execute(server.dataSource(), "UPDATE users SET data = data, name = name WHERE id = ?", id);
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"US\"}}"));

        assertThat(History.changeCount(server.dataSource(), id)).isEqualTo(1);
        assertThat(TestSql.user(server.dataSource(), id).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void aHardDeletedUserInsertedAgainContinuesItsVersions() {
        long id = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + id, "{\"name\": \"Robert\"}"));
        TestSql.execute(server.dataSource(), "DELETE FROM users WHERE id = ?", id);

        TestSql.execute(server.dataSource(), "INSERT INTO users (id, name, email) VALUES (?, 'Again', ?)", id, TestUsers.uniqueEmail());

        assertThat(TestSql.user(server.dataSource(), id).get("version").asLong()).isEqualTo(4);
        assertThat(TestSql.rows(server.dataSource(), "SELECT version, op FROM user_changes WHERE user_id = ? ORDER BY version", id)
                .stream().map(row -> row.get("op")).toList()).containsExactly("create", "update", "delete", "create");
    }

    @Test
    void everyRecordedChangeLeadsFromOneStateToTheNextAndBack() throws Exception {
        long id = TestUsers.create(server, "{\"name\": \"Walk\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}");
        Random random = new Random(7);
        List<JsonNode> states = new ArrayList<>();
        states.add(History.state(server.dataSource(), id));
        try (Connection connection = History.rawConnection(server.dataSource())) {
            for (int i = 0; i < 40; i++) {
                History.replaceDataWithRawSql(connection, id, RandomJson.object(random, 3).toString());
                JsonNode state = History.state(server.dataSource(), id);
                if (!state.equals(states.get(states.size() - 1))) {
                    states.add(state);
                }
            }
        }

        for (int version = 2; version <= states.size(); version++) {
            JsonNode entry = History.entry(server.dataSource(), id, version);
            JsonNode before = states.get(version - 2);
            JsonNode after = states.get(version - 1);
            assertThat(JsonPatch.parse(entry.get("changes")).apply(before)).as("changes of %d", version).isEqualTo(after);
            assertThat(JsonPatch.parse(entry.get("undo")).apply(after)).as("undo of %d", version).isEqualTo(before);
        }
    }

    @Test
    void changingOneKeyOfA100KbDocumentRecordsLessThan2Kb() {
        StringBuilder data = new StringBuilder("{\"phone\": \"+14155550000\"");
        for (int i = 0; i < 1000; i++) {
            data.append(", \"key").append(i).append("\": {\"text\": \"").append("x".repeat(80)).append("\", \"n\": ").append(i).append('}');
        }
        data.append('}');
        assertThat(data.length()).isGreaterThan(100_000);
        long id = TestUsers.create(server, "{\"name\": \"Big\", \"email\": \"" + TestUsers.uniqueEmail() + "\", \"data\": " + data + "}");

        History.ok(server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"+14155550123\"}"));
        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"key500\": {\"n\": -1}}}"));

        for (long version = 2; version <= 3; version++) {
            long bytes = TestSql.count(server.dataSource(), """
                    SELECT octet_length(changes::text) + octet_length(undo::text)
                      FROM user_changes WHERE user_id = ? AND version = ?""", id, version);
            assertThat(bytes).as("version %d", version).isLessThan(2048);
        }
        assertThat(History.entry(server.dataSource(), id, 3).get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"replace\", \"path\": \"/data/key500/n\", \"value\": -1}]"));
    }

    @Test
    void keysWithSlashesAndTildesAreEscapedInPaths() {
        long id = TestUsers.create(server, "{\"name\": \"Esc\", \"email\": \"" + TestUsers.uniqueEmail() + "\", \"data\": {\"a/b\": {\"c~d\": 1}}}");

        History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"a/b\": {\"c~d\": 2}}}"));

        assertThat(History.entry(server.dataSource(), id, 2).get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"replace\", \"path\": \"/data/a~1b/c~0d\", \"value\": 2}]"));
    }

    @Test
    void historyIsPagedNewestFirst() {
        long id = TestUsers.createIncidentUser(server);
        for (int i = 0; i < 4; i++) {
            History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"n\": " + i + "}}"));
        }

        JsonNode first = History.ok(server.get("/users/" + id + "/history?limit=2")).json();
        JsonNode second = History.ok(server.get("/users/" + id + "/history?limit=2&before=" + first.get("next").asText())).json();
        JsonNode last = History.ok(server.get("/users/" + id + "/history?limit=2&before=" + second.get("next").asText())).json();

        assertThat(versions(first)).containsExactly(5L, 4L);
        assertThat(first.get("next").asText()).isEqualTo("4");
        assertThat(versions(second)).containsExactly(3L, 2L);
        assertThat(versions(last)).containsExactly(1L);
        assertThat(last.get("next").isNull()).isTrue();
    }

    @Test
    void historyOfADeletedUserIsStillReadable() {
        long softDeleted = TestUsers.createIncidentUser(server);
        long hardDeleted = TestUsers.createIncidentUser(server);
        assertThat(server.request("DELETE", "/users/" + softDeleted).send().status()).isEqualTo(204);
        TestSql.execute(server.dataSource(), "DELETE FROM users WHERE id = ?", hardDeleted);

        assertThat(versions(History.ok(server.get("/users/" + softDeleted + "/history")).json())).containsExactly(2L, 1L);
        assertThat(versions(History.ok(server.get("/users/" + hardDeleted + "/history")).json())).containsExactly(2L, 1L);
    }

    @Test
    void historyOfAUserThatNeverExistedIs404() {
        HttpResponse response = server.get("/users/987654321/history");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/not-found");
    }

    @Test
    void invalidPagingParametersAre422NamingTheParameter() {
        long id = TestUsers.createIncidentUser(server);

        for (String query : List.of("limit=0", "limit=501", "limit=x", "before=0", "before=abc")) {
            HttpResponse response = server.get("/users/" + id + "/history?" + query);
            assertThat(response.status()).as(query).isEqualTo(422);
            assertThat(response.json().at("/errors/0/path").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
        }
    }

    @Test
    void historyNeedsAToken() {
        long id = TestUsers.createIncidentUser(server);

        assertThat(server.request("GET", "/users/" + id + "/history").token(null).send().status()).isEqualTo(401);
        assertThat(server.request("GET", "/users/" + id + "/history").token(server.readToken).send().status()).isEqualTo(200);
    }

    @Test
    void theHistoryRoutesAreDescribedInOpenApi() {
        JsonNode paths = History.ok(server.request("GET", "/openapi.json").token(server.readToken).send()).json().get("paths");

        assertThat(paths.at("/~1users~1{id}~1history/get/x-role").asText()).isEqualTo("read");
        assertThat(paths.at("/~1users~1{id}~1revert/post/x-role").asText()).isEqualTo("write");
        assertThat(paths.at("/~1admin~1rollback/post/x-role").asText()).isEqualTo("admin");
        List<String> readParameters = new ArrayList<>();
        paths.at("/~1users~1{id}/get/parameters").forEach(parameter -> readParameters.add(parameter.get("name").asText()));
        assertThat(readParameters).contains("version", "asOf");
    }

    private static List<Long> versions(JsonNode page) {
        List<Long> versions = new ArrayList<>();
        page.get("items").forEach(item -> versions.add(item.get("version").asLong()));
        return versions;
    }
}
