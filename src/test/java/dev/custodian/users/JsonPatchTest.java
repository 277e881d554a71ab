package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;

/** RFC 6902 through PATCH: every op, all-or-nothing, and the errors of each kind. */
class JsonPatchTest {
    private final TestServer server = TestServer.shared();

    @Test
    void operationsApplyInOrderAndAtomically() {
        long id = TestUsers.create(server, """
                {"name": "Cy", "email": "%s", "data": {"tags": ["a", "b"], "a/b": 1, "m~n": 2, "old": "x"}}
                """.formatted(TestUsers.uniqueEmail()));

        HttpResponse response = server.jsonPatch("/users/" + id, """
                [{"op": "test", "path": "/data/a~1b", "value": 1},
                 {"op": "add", "path": "/data/tags/-", "value": "c"},
                 {"op": "replace", "path": "/data/m~0n", "value": 3},
                 {"op": "move", "from": "/data/old", "path": "/data/new"},
                 {"op": "copy", "from": "/data/new", "path": "/data/copy"},
                 {"op": "remove", "path": "/data/a~1b"}]
                """);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(TestUsers.data(TestSql.user(server.dataSource(), id))).isEqualTo(TestSql.parse(
                "{\"tags\": [\"a\", \"b\", \"c\"], \"m~n\": 3, \"new\": \"x\", \"copy\": \"x\"}"));
    }

    @Test
    void failedTestOperationIs409AndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.jsonPatch("/users/" + id, """
                [{"op": "replace", "path": "/data/country", "value": "DE"},
                 {"op": "test", "path": "/data/phone", "value": "+19999999999"}]
                """);

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).isEqualTo("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/test-failed");
        assertThat(response.json().get("detail").asText()).contains("/data/phone");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void missingPathIs422AndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.jsonPatch("/users/" + id, """
                [{"op": "add", "path": "/data/extra", "value": 1},
                 {"op": "replace", "path": "/data/nowhere/deep", "value": 1}]
                """);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
        assertThat(response.json().get("detail").asText()).contains("/data/nowhere");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void malformedOperationIs400() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        for (String patch : new String[] {
                "[{\"op\": \"frobnicate\", \"path\": \"/data/x\"}]",
                "[{\"op\": \"add\", \"path\": \"/data/x\"}]",
                "[{\"op\": \"remove\"}]",
                "{\"op\": \"remove\", \"path\": \"/data/phone\"}",
                "[{\"op\": \"add\", \"path\": \"data/x\", \"value\": 1}]"}) {
            HttpResponse response = server.jsonPatch("/users/" + id, patch);
            assertThat(response.status()).as(patch).isEqualTo(400);
            assertThat(response.json().get("type").asText()).as(patch).isEqualTo("/problems/malformed-patch");
        }
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void replacingDataWholeWithoutIfMatchIsRefusedNamingTheLostKeys() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.jsonPatch("/users/" + id,
                "[{\"op\": \"replace\", \"path\": \"/data\", \"value\": {\"phone\": \"+14155550123\"}}]");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/data-loss-refused");
        assertThat(response.json().get("lost")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("/data/address", "/data/country", "/data/postalCode");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void replacingDataWholeWithCurrentIfMatchIsApplied() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse response = server.request("PATCH", "/users/" + id).ifMatch(1)
                .body("application/json-patch+json",
                        "[{\"op\": \"replace\", \"path\": \"/data\", \"value\": {\"phone\": \"+14155550123\"}}]")
                .send();

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(TestUsers.data(stored)).isEqualTo(TestSql.parse("{\"phone\": \"+14155550123\"}"));
        assertThat(stored.get("version").asLong()).isEqualTo(2);
    }

    @Test
    void removeOperationNamesWhatItDropsSoNeedsNoIfMatch() {
        long id = TestUsers.create(server, """
                {"name": "Di", "email": "%s", "data": {"tags": ["a", "b", "c"], "address": {"city": "Rome", "zip": "00100"}}}
                """.formatted(TestUsers.uniqueEmail()));

        HttpResponse response = server.jsonPatch("/users/" + id,
                "[{\"op\": \"remove\", \"path\": \"/data/tags/1\"}, {\"op\": \"remove\", \"path\": \"/data/address/zip\"}]");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(TestUsers.data(TestSql.user(server.dataSource(), id))).isEqualTo(TestSql.parse(
                "{\"tags\": [\"a\", \"c\"], \"address\": {\"city\": \"Rome\"}}"));
    }
}
