package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The incident this service exists for: changing one key must leave every other key, and every other user, as it was. */
class PartialUpdateTest {
    private final TestServer server = TestServer.shared();

    @Test
    void phoneRouteChangesOnlyThePhone() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.postJson("/phone-number/update/" + id, "{\"phonenumber\": \"+1 415 555 0123\"}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().at("/data/phone").asText()).isEqualTo("+14155550123");
        assertThat(response.header("ETag")).isEqualTo("\"2\"");
        assertOnlyPhoneChanged(before, TestSql.user(server.dataSource(), id), "+14155550123");
    }

    @Test
    void mergePatchChangesOnlyThePhone() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"(415) 555-0199\"}}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertOnlyPhoneChanged(before, TestSql.user(server.dataSource(), id), "+14155550199");
    }

    @Test
    void plainJsonPatchBodyIsTreatedAsMergePatch() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse response = server.request("PATCH", "/users/" + id)
                .json("{\"data\": {\"phone\": \"+14155550142\"}}").send();

        assertThat(response.status()).isEqualTo(200);
        assertOnlyPhoneChanged(before, TestSql.user(server.dataSource(), id), "+14155550142");
    }

    @Test
    void changingOneUserLeavesEveryOtherUserIdentical() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            ids.add(TestUsers.createIncidentUser(server));
        }
        long target = ids.get(57);
        List<JsonNode> before = ids.stream().map(id -> TestSql.user(server.dataSource(), id)).toList();

        assertThat(server.postJson("/phone-number/update/" + target, "{\"phonenumber\": \"+14155550177\"}").status())
                .isEqualTo(200);

        for (int i = 0; i < ids.size(); i++) {
            JsonNode after = TestSql.user(server.dataSource(), ids.get(i));
            if (ids.get(i) == target) {
                assertOnlyPhoneChanged(before.get(i), after, "+14155550177");
            } else {
                assertThat(after).as("user %d", ids.get(i)).isEqualTo(before.get(i));
            }
        }
    }

    @Test
    void nestedMergePatchMergesObjectsAndKeepsSiblings() {
        long id = TestUsers.create(server, """
                {"name": "Ann", "email": "%s", "data": {"address": {"street": "1 Main", "city": "Oslo"}, "tags": ["a"]}}
                """.formatted(TestUsers.uniqueEmail()));

        HttpResponse response = server.mergePatch("/users/" + id, "{\"data\": {\"address\": {\"city\": \"Bergen\"}}}");

        assertThat(response.status()).isEqualTo(200);
        assertThat(TestUsers.data(TestSql.user(server.dataSource(), id))).isEqualTo(TestSql.parse(
                "{\"address\": {\"street\": \"1 Main\", \"city\": \"Bergen\"}, \"tags\": [\"a\"]}"));
    }

    @Test
    void mergePatchNullRemovesOnlyTheNamedKey() {
        long id = TestUsers.createIncidentUser(server);

        HttpResponse response = server.mergePatch("/users/" + id, "{\"data\": {\"postalCode\": null}}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode data = TestUsers.data(TestSql.user(server.dataSource(), id));
        assertThat(data.has("postalCode")).isFalse();
        assertThat(data.get("address").asText()).isEqualTo("2 High St");
        assertThat(data.get("country").asText()).isEqualTo("US");
        assertThat(data.get("phone").asText()).isEqualTo("+14155550000");
    }

    @Test
    void mergePatchCanChangeNameAndEmail() {
        long id = TestUsers.createIncidentUser(server);
        String email = TestUsers.uniqueEmail();

        HttpResponse response = server.mergePatch("/users/" + id, "{\"name\": \"Robert\", \"email\": \"" + email + "\"}");

        assertThat(response.status()).isEqualTo(200);
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.get("name").asText()).isEqualTo("Robert");
        assertThat(stored.get("email").asText()).isEqualTo(email);
        assertThat(stored.at("/data/address").asText()).isEqualTo("2 High St");
    }

    @Test
    void dataNestedDeeperThanRequestsMayStillBeChangedAndReadBack() {
        long id = TestUsers.createIncidentUser(server);
        String deep = "{\"a\": ".repeat(100) + "1" + "}".repeat(100);
        TestSql.execute(server.dataSource(), "UPDATE users SET data = data || jsonb_build_object('deep', ?::jsonb) WHERE id = ?",
                deep, id);

        HttpResponse patched = server.jsonPatch("/users/" + id, "[{\"op\": \"add\", \"path\": \"/data/note\", \"value\": \"x\"}]");
        HttpResponse past = server.get("/users/" + id + "?version=2");

        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        assertThat(past.status()).as(past.body()).isEqualTo(200);
        assertThat(TestSql.user(server.dataSource(), id).at("/data/note").asText()).isEqualTo("x");
    }

    static void assertOnlyPhoneChanged(JsonNode before, JsonNode after, String phone) {
        assertThat(after.at("/data/phone").asText()).isEqualTo(phone);
        var expected = before.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected.get("data")).put("phone", phone);
        ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("version", before.get("version").asInt() + 1);
        assertThat(after).isEqualTo(expected);
    }
}
