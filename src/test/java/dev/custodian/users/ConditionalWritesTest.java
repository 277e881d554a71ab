package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;

/** If-Match on every write, PUT's required precondition, soft delete and dry runs. */
class ConditionalWritesTest {
    private final TestServer server = TestServer.shared();

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        server.mergePatch("/users/" + id, "{\"data\": {\"x\": 1}}");
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse merge = server.request("PATCH", "/users/" + id).ifMatch(1)
                .body("application/merge-patch+json", "{\"data\": {\"phone\": \"+14155550123\"}}").send();
        HttpResponse json = server.request("PATCH", "/users/" + id).ifMatch(1)
                .body("application/json-patch+json", "[{\"op\": \"remove\", \"path\": \"/data/x\"}]").send();
        HttpResponse delete = server.request("DELETE", "/users/" + id).ifMatch(1).send();

        for (HttpResponse response : new HttpResponse[] {merge, json, delete}) {
            assertThat(response.status()).isEqualTo(412);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/precondition-failed");
            assertThat(response.json().get("currentVersion").asLong()).isEqualTo(2);
        }
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void currentIfMatchLetsMergePatchReplaceAnObject() {
        long id = TestUsers.create(server, """
                {"name": "Eve", "email": "%s", "data": {"address": {"city": "Paris"}}}
                """.formatted(TestUsers.uniqueEmail()));

        HttpResponse response = server.request("PATCH", "/users/" + id).ifMatch(1)
                .body("application/merge-patch+json", "{\"data\": {\"address\": \"12 Rue X, Paris\"}}").send();

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/address").asText()).isEqualTo("12 Rue X, Paris");
    }

    @Test
    void putWithoutIfMatchIs428() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.request("PUT", "/users/" + id)
                .json("{\"name\": \"New\", \"email\": \"" + TestUsers.uniqueEmail() + "\", \"data\": {}}").send();

        assertThat(response.status()).isEqualTo(428);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/precondition-required");
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void putWithIfMatchReplacesTheWholeUser() {
        long id = TestUsers.createIncidentUser(server);
        String email = TestUsers.uniqueEmail();

        HttpResponse response = server.request("PUT", "/users/" + id).ifMatch(1)
                .json("{\"name\": \"New\", \"email\": \"" + email + "\", \"data\": {\"country\": \"de\"}}").send();

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.header("ETag")).isEqualTo("\"2\"");
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.get("name").asText()).isEqualTo("New");
        assertThat(TestUsers.data(stored)).isEqualTo(TestSql.parse("{\"country\": \"DE\"}"));
    }

    @Test
    void deleteIsSoftAndTheUserIsGoneFromTheApi() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse response = server.request("DELETE", "/users/" + id).send();

        assertThat(response.status()).isEqualTo(204);
        assertThat(server.get("/users/" + id).status()).isEqualTo(404);
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.get("deleted").asBoolean()).isTrue();
        assertThat(stored.at("/data/address").asText()).isEqualTo("2 High St");
        assertThat(server.request("DELETE", "/users/" + id).send().status()).isEqualTo(404);
    }

    @Test
    void dryRunsReportTheChangeAndWriteNothing() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);
        long usersBefore = TestSql.count(server.dataSource(), "SELECT count(*) FROM users");

        HttpResponse merge = server.mergePatch("/users/" + id + "?dryRun=true", "{\"data\": {\"phone\": \"+14155550123\"}}");
        HttpResponse phone = server.postJson("/phone-number/update/" + id + "?dryRun=true", "{\"phonenumber\": \"+14155550124\"}");
        HttpResponse json = server.jsonPatch("/users/" + id + "?dryRun=true", "[{\"op\": \"remove\", \"path\": \"/data/address\"}]");
        HttpResponse put = server.request("PUT", "/users/" + id + "?dryRun=true").ifMatch(1)
                .json("{\"name\": \"X\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}").send();
        HttpResponse delete = server.request("DELETE", "/users/" + id + "?dryRun=true").send();
        HttpResponse create = server.postJson("/users?dryRun=true",
                "{\"name\": \"Y\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}");

        assertThat(merge.json().get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"replace\", \"path\": \"/data/phone\", \"value\": \"+14155550123\"}]"));
        assertThat(merge.json().at("/before/data/phone").asText()).isEqualTo("+14155550000");
        assertThat(merge.json().at("/after/data/phone").asText()).isEqualTo("+14155550123");
        assertThat(phone.json().at("/after/data/phone").asText()).isEqualTo("+14155550124");
        assertThat(json.json().get("changes")).isEqualTo(TestSql.parse(
                "[{\"op\": \"remove\", \"path\": \"/data/address\"}]"));
        assertThat(put.json().at("/after/name").asText()).isEqualTo("X");
        assertThat(delete.json().get("after").isNull()).isTrue();
        assertThat(create.json().at("/after/name").asText()).isEqualTo("Y");
        for (HttpResponse response : new HttpResponse[] {merge, phone, json, put, delete, create}) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("dryRun").asBoolean()).isTrue();
        }
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM users")).isEqualTo(usersBefore);
    }
}
