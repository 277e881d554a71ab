package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.ServerOnOwnDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GET /changes: history entries of all users, newest first, filtered and paged. On its own
 * database, since it lists every user's changes.
 */
class RecentChangesTest {
    @RegisterExtension
    static final ServerOnOwnDatabase own = new ServerOnOwnDatabase();

    private final TestServer server = own.server();

    @Test
    void listsTheChangesOfEveryUserNewestFirstWithTheirUserAndTheSameFieldsAsAUsersHistory() {
        long first = TestUsers.createIncidentUser(server);
        long second = TestUsers.createIncidentUser(server);
        History.ok(server.mergePatch("/users/" + first, "{\"data\": {\"phone\": \"+14155550123\"}}"));

        JsonNode items = ok(server.get("/changes?limit=3")).get("items");
        assertThat(items).hasSize(3);
        assertThat(pairs(items)).containsExactly(List.of(first, 2L), List.of(second, 1L), List.of(first, 1L));
        JsonNode history = ok(server.get("/users/" + first + "/history")).get("items").get(0);
        ObjectNode entry = items.get(0).deepCopy();
        assertThat(entry.remove("userId").asLong()).isEqualTo(first);
        assertThat(entry).isEqualTo(history);
    }

    @Test
    void filtersByActorSourceRequestAndTimeWindow() {
        long id = TestUsers.createIncidentUser(server);
        String from = time(id, 1);
        History.ok(server.request("PATCH", "/users/" + id).header("X-Request-Id", "changes-test-" + id)
                .body("application/merge-patch+json", "{\"data\": {\"country\": \"GB\"}}").send());
        TestSql.execute(server.dataSource(), "UPDATE users SET name = 'Raw' WHERE id = ?", id);
        String role = History.currentDatabaseRole(server.dataSource());

        assertThat(pairs(items("/changes?source=sql&from=" + encode(from)))).containsExactly(List.of(id, 3L));
        assertThat(pairs(items("/changes?actor=" + encode("sql:" + role) + "&from=" + encode(from)))).containsExactly(List.of(id, 3L));
        assertThat(pairs(items("/changes?requestId=changes-test-" + id))).containsExactly(List.of(id, 2L));
        assertThat(pairs(items("/changes?source=api&from=" + encode(from) + "&to=" + encode(time(id, 3)))))
                .containsExactly(List.of(id, 2L), List.of(id, 1L));
        assertThat(items("/changes?requestId=nothing-has-this-id")).isEmpty();
    }

    @Test
    void pagesThroughChangesThatShareOneTimeWithoutLosingOrRepeatingAny() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(TestUsers.createIncidentUser(server));
        }
        String from = time(ids.get(0), 1);
        // One statement: all seven changes are recorded at the same time.
        TestSql.execute(server.dataSource(), """
                UPDATE users SET name = 'Renamed'
                  FROM (SELECT set_config('custodian.allow_rows', '7', true)) AS declared
                 WHERE id = ANY (?)""", (Object) ids.toArray(Long[]::new));

        List<List<Long>> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            JsonNode page = ok(server.get("/changes?source=sql&limit=3&from=" + encode(from)
                    + (next == null ? "" : "&before=" + encode(next))));
            seen.addAll(pairs(page.get("items")));
            next = page.get("next").isNull() ? null : page.get("next").asText();
            pages++;
        } while (next != null);

        assertThat(pages).isEqualTo(3);
        List<List<Long>> expected = new ArrayList<>(ids.stream().map(id -> List.of(id, 2L)).toList());
        Collections.reverse(expected);
        assertThat(seen).as("newest first, then by user, highest first").containsExactlyElementsOf(expected);
    }

    @Test
    void aReadTokenMayListButNoTokenMayNot() {
        assertThat(server.request("GET", "/changes").token(server.readToken).send().status()).isEqualTo(200);
        HttpResponse anonymous = server.request("GET", "/changes").token(null).send();
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.contentType()).isEqualTo("application/problem+json");
    }

    @Test
    void badFiltersAreRefusedNamingTheParameter() {
        Map<String, String> cases = Map.of(
                "/changes?source=psql", "source",
                "/changes?from=yesterday", "from",
                "/changes?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "to",
                "/changes?before=12", "before",
                "/changes?before=2026-01-01T00:00:00Z,0,1", "before",
                "/changes?limit=501", "limit");
        cases.forEach((path, parameter) -> {
            HttpResponse response = server.get(path);
            assertThat(response.status()).as(path).isEqualTo(422);
            assertThat(response.contentType()).as(path).isEqualTo("application/problem+json");
            assertThat(response.json().at("/errors/0/path").asText()).as(path).isEqualTo(parameter);
        });
    }

    private JsonNode ok(HttpResponse response) {
        return History.ok(response).json();
    }

    private JsonNode items(String path) {
        return ok(server.get(path)).get("items");
    }

    private static List<List<Long>> pairs(JsonNode items) {
        List<List<Long>> pairs = new ArrayList<>();
        items.forEach(item -> pairs.add(List.of(item.get("userId").asLong(), item.get("version").asLong())));
        return pairs;
    }

    /** The time of a user's version as the API writes it. */
    private String time(long id, long version) {
        return TestSql.value(server.dataSource(),
                "SELECT custodian_time(at) FROM user_changes WHERE user_id = ? AND version = ?", id, version).toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
