package dev.custodian.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * One authority decides what a write loses: the database's key-loss guard. The same write is
 * refused naming the same paths whether it comes as a merge patch, a JSON Patch, a dry run of
 * either, or an UPDATE typed in psql; and a refused write changes nothing.
 */
class LostPathsTest {
    private static final List<String> LOST = List.of("/data/address/city", "/data/address/zip");

    private final TestServer server = TestServer.shared();

    @Test
    void everyDoorNamesTheSameLostPaths() throws SQLException {
        long id = createUserWithAddress();
        JsonNode before = TestSql.user(server.dataSource(), id);

        HttpResponse merge = server.mergePatch("/users/" + id, "{\"data\": {\"address\": \"12 Rue X\"}}");
        HttpResponse mergeDryRun = server.mergePatch("/users/" + id + "?dryRun=true", "{\"data\": {\"address\": \"12 Rue X\"}}");
        String replace = "[{\"op\": \"replace\", \"path\": \"/data/address\", \"value\": \"12 Rue X\"}]";
        HttpResponse jsonPatch = server.jsonPatch("/users/" + id, replace);
        HttpResponse jsonPatchDryRun = server.jsonPatch("/users/" + id + "?dryRun=true", replace);

        for (HttpResponse response : List.of(merge, mergeDryRun, jsonPatch, jsonPatchDryRun)) {
            assertThat(response.status()).as(response.body()).isEqualTo(409);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/data-loss-refused");
            assertThat(texts(response.json().get("lost"))).containsExactlyInAnyOrderElementsOf(LOST);
        }
        assertThat(texts(TestSql.parse(psqlRefusal(id).getDetail()).get("lost"))).containsExactlyInAnyOrderElementsOf(LOST);
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(before);
    }

    @Test
    void namingAPathLetsOnlyThatPathGo() {
        long id = createUserWithAddress();

        HttpResponse partly = server.jsonPatch("/users/" + id, """
                [{"op": "remove", "path": "/data/address/city"},
                 {"op": "replace", "path": "/data/address", "value": "12 Rue X"}]""");
        HttpResponse whole = server.jsonPatch("/users/" + id, """
                [{"op": "remove", "path": "/data/address"}, {"op": "add", "path": "/data/address", "value": "12 Rue X"}]""");

        assertThat(partly.status()).as(partly.body()).isEqualTo(409);
        assertThat(texts(partly.json().get("lost"))).containsExactly("/data/address/zip");
        assertThat(whole.status()).as(whole.body()).isEqualTo(200);
        JsonNode stored = TestSql.user(server.dataSource(), id);
        assertThat(stored.at("/data/address").asText()).isEqualTo("12 Rue X");
        assertThat(stored.at("/data/phone").asText()).isEqualTo("+14155550000");
    }

    private long createUserWithAddress() {
        return TestUsers.create(server, """
                {"name": "Eve", "email": "%s",
                 "data": {"phone": "+14155550000", "address": {"city": "Paris", "zip": "75001"}}}
                """.formatted(TestUsers.uniqueEmail()));
    }

    private org.postgresql.util.ServerErrorMessage psqlRefusal(long id) throws SQLException {
        try (Connection connection = server.dataSource().getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE users SET data = jsonb_set(data, '{address}', '\"12 Rue X\"') WHERE id = ?")) {
            update.setLong(1, id);
            update.executeUpdate();
        } catch (PSQLException e) {
            assertThat(e.getSQLState()).isEqualTo("CU001");
            return e.getServerErrorMessage();
        }
        return fail("the UPDATE was not refused");
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(value -> values.add(value.asText()));
        }
        return values;
    }
}
