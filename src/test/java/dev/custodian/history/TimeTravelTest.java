package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GET /users/{id}?version=N and ?asOf=<time>: any past version, exactly, at a bounded cost. */
class TimeTravelTest {
    private static final int VERSIONS = 250;

    private static List<JsonNode> longHistory;

    private final TestServer server = TestServer.shared();

    @Test
    void everyVersionOfALongHistoryReadsBackExactly() {
        List<JsonNode> written = writeManyVersions();
        long id = written.get(0).get("id").asLong();

        for (int version : List.of(1, 2, 99, 100, 101, VERSIONS / 2, 199, 200, 201, VERSIONS - 1, VERSIONS)) {
            HttpResponse response = History.ok(server.get("/users/" + id + "?version=" + version));
            assertThat(response.json()).as("version %d", version).isEqualTo(written.get(version - 1));
            assertThat(response.header("ETag")).isEqualTo("\"" + version + "\"");
        }
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM user_changes WHERE user_id = ? AND snapshot IS NOT NULL", id))
                .as("snapshots at versions 1, 100 and 200").isEqualTo(3);
    }

    @Test
    void asOfReadsTheVersionCurrentAtThatTime() {
        List<JsonNode> written = writeManyVersions();
        long id = written.get(0).get("id").asLong();

        for (int version : List.of(1, VERSIONS / 2, VERSIONS - 1)) {
            Instant at = Instant.parse(written.get(version - 1).get("updatedAt").asText());
            Instant next = Instant.parse(written.get(version).get("updatedAt").asText());
            Instant between = at.plus(ChronoUnit.MICROS.between(at, next) / 2, ChronoUnit.MICROS);
            assertThat(readAsOf(id, at.toString()).json()).as("at version %d", version).isEqualTo(written.get(version - 1));
            assertThat(readAsOf(id, between.toString()).json()).as("after version %d", version).isEqualTo(written.get(version - 1));
        }
        Instant last = Instant.parse(written.get(VERSIONS - 1).get("updatedAt").asText());
        assertThat(readAsOf(id, last.plusSeconds(3600).toString()).json()).isEqualTo(written.get(VERSIONS - 1));
    }

    @Test
    void anOffsetOtherThanUtcNamesTheSameInstant() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode current = History.ok(server.get("/users/" + id)).json();
        Instant created = Instant.parse(current.get("createdAt").asText());
        String inParis = created.atOffset(ZoneOffset.ofHours(1)).toString();

        HttpResponse encoded = server.get("/users/" + id + "?asOf=" + URLEncoder.encode(inParis, StandardCharsets.UTF_8));
        HttpResponse plusAsSpace = server.get("/users/" + id + "?asOf=" + inParis.replace("+", "%20"));

        assertThat(History.ok(encoded).json()).isEqualTo(current);
        assertThat(History.ok(plusAsSpace).json()).isEqualTo(current);
    }

    @Test
    void beforeTheUserExistedIs404() {
        long id = TestUsers.createIncidentUser(server);
        Instant created = Instant.parse(History.ok(server.get("/users/" + id)).json().get("createdAt").asText());

        HttpResponse response = readAsOf(id, created.minusMillis(1).toString());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/not-found");
        assertThat(server.get("/users/" + id + "?version=2").status()).isEqualTo(404);
    }

    @Test
    void aDeletedUserIsReadableAtTimesWhenItWasAlive() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode second = History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"CA\"}}")).json();
        assertThat(server.request("DELETE", "/users/" + id).send().status()).isEqualTo(204);
        Instant deletedAt = Instant.parse(TestSql.value(server.dataSource(),
                "SELECT custodian_time(at) FROM user_changes WHERE user_id = ? AND version = 3", id).toString());

        assertThat(server.get("/users/" + id).status()).isEqualTo(404);
        assertThat(History.ok(server.get("/users/" + id + "?version=2")).json()).isEqualTo(second);
        assertThat(History.ok(readAsOf(id, second.get("updatedAt").asText())).json()).isEqualTo(second);
        assertThat(server.get("/users/" + id + "?version=3").status()).isEqualTo(404);
        assertThat(readAsOf(id, deletedAt.toString()).status()).isEqualTo(404);
    }

    @Test
    void aHardDeletedUserIsReadableAtVersionsWhenItWasAlive() {
        long id = TestUsers.createIncidentUser(server);
        JsonNode first = History.ok(server.get("/users/" + id)).json();
        TestSql.execute(server.dataSource(), "DELETE FROM users WHERE id = ?", id);

        assertThat(History.ok(server.get("/users/" + id + "?version=1")).json()).isEqualTo(first);
        assertThat(server.get("/users/" + id + "?version=2").status()).isEqualTo(404);
    }

    @Test
    void invalidVersionOrTimeIs422NamingTheParameter() {
        long id = TestUsers.createIncidentUser(server);

        for (String query : List.of("version=0", "version=-3", "version=two", "asOf=yesterday", "asOf=2026-11-26T09:05:00",
                "asOf=")) {
            HttpResponse response = server.get("/users/" + id + "?" + query);
            assertThat(response.status()).as(query).isEqualTo(422);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
            assertThat(response.json().at("/errors/0/path").asText()).isEqualTo(query.substring(0, query.indexOf('=')));
        }
        HttpResponse both = server.get("/users/" + id + "?version=1&asOf=2026-11-26T09:05:00Z");
        assertThat(both.status()).isEqualTo(422);
        assertThat(both.json().get("errors")).hasSize(2);
    }

    /** One user with {@value #VERSIONS} versions of varied changes, shared by the tests that only read it. */
    private List<JsonNode> writeManyVersions() {
        synchronized (TimeTravelTest.class) {
            if (longHistory == null) {
                longHistory = List.copyOf(writeVersions());
            }
            return longHistory;
        }
    }

    /** The representation each write returned, by version. */
    private List<JsonNode> writeVersions() {
        long id = TestUsers.createIncidentUser(server);
        List<JsonNode> written = new ArrayList<>();
        written.add(History.ok(server.get("/users/" + id)).json());
        for (int version = 2; version <= VERSIONS; version++) {
            String patch = switch (version % 5) {
                case 0 -> "{\"data\": {\"n\": " + version + "}}";
                case 1 -> "{\"data\": {\"nested\": {\"level\": {\"v\": " + version + "}}, \"tags\": [" + version + ", \"x\"]}}";
                case 2 -> "{\"data\": {\"nested\": null, \"note\": \"version " + version + "\"}}";
                case 3 -> "{\"name\": \"Bob " + version + "\", \"data\": {\"note\": null}}";
                default -> "{\"data\": {\"address\": {\"street\": \"" + version + " High St\", \"city\": \"Oslo\"}}}";
            };
            JsonNode user = History.ok(server.mergePatch("/users/" + id, patch)).json();
            assertThat(user.get("version").asLong()).isEqualTo(version);
            written.add(user);
        }
        return written;
    }

    private HttpResponse readAsOf(long id, String time) {
        return server.get("/users/" + id + "?asOf=" + URLEncoder.encode(time, StandardCharsets.UTF_8));
    }
}
