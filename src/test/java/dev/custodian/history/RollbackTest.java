package dev.custodian.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /admin/rollback: everything one bad deploy did, undone across all users, keeping every
 * good write. Runs on its own database, since a rollback selects changes of all users by time,
 * with a stand-in for the key-loss guard so that every write here must declare its removals.
 */
class RollbackTest {
    private static final String STAND_IN_GUARD = """
            CREATE FUNCTION test_refuse_undeclared_removal() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF current_setting('custodian.allow_removal', true) IS DISTINCT FROM 'on'
                   AND EXISTS (SELECT 1 FROM jsonb_object_keys(OLD.data) AS k WHERE NOT NEW.data ? k) THEN
                    RAISE EXCEPTION USING ERRCODE = 'CU001', MESSAGE = 'user ' || OLD.id || ' would lose keys';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER users_41_test_key_loss BEFORE UPDATE ON users
                FOR EACH ROW EXECUTE FUNCTION test_refuse_undeclared_removal();
            """;

    private static TestServer server;
    private static DataSource database;

    @BeforeAll
    static void startOnOwnDatabase() {
        database = TestDatabase.fresh();
        TestSql.execute(database, STAND_IN_GUARD);
        server = TestServer.start(database, settings -> settings);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void rollingBackTheRawSqlOfTheIncidentRestoresEveryAddressAndKeepsEveryGoodWrite() throws Exception {
        List<Long> victims = createUsers(50);
        List<Long> bystanders = createUsers(10);
        Instant from = databaseNow();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> writes = new ArrayList<>();
        writes.add(clients.submit(() -> {
            try (Connection orm = History.rawConnection(database)) {
                for (int i = 0; i < victims.size(); i++) {
                    History.replaceDataWithRawSql(orm, victims.get(i), "{\"phone\": \"+1415555" + (1000 + i) + "\"}");
                }
            }
            return null;
        }));
        for (int i = 0; i < victims.size(); i += 2) {
            long id = victims.get(i);
            String nickname = "n" + i;
            writes.add(clients.submit(() -> History.ok(server.mergePatch("/users/" + id,
                    "{\"data\": {\"nickname\": \"" + nickname + "\"}}"))));
        }
        for (long id : bystanders) {
            writes.add(clients.submit(() -> History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"country\": \"CA\"}}"))));
        }
        for (Future<?> write : writes) {
            write.get(60, TimeUnit.SECONDS);
        }
        clients.shutdown();
        Instant to = databaseNow();
        for (long id : victims) {
            History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"loyalty\": \"gold\"}}"));
        }
        long keptPhoneVersion = History.ok(server.postJson("/phone-number/update/" + victims.get(0),
                "{\"phonenumber\": \"+14155559999\"}")).json().get("version").asLong();
        for (long id : bystanders) {
            History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"tier\": 2}}"));
        }

        HttpResponse response = server.request("POST", "/admin/rollback").token(server.adminToken)
                .header("X-Request-Id", "rollback-incident")
                .json("{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"source\": \"sql\"}").send();

        JsonNode report = History.ok(response).json();
        assertThat(report.get("dryRun").asBoolean()).isFalse();
        assertThat(report.get("usersAffected").asInt()).isEqualTo(50);
        assertThat(report.get("changesUndone").asInt()).isEqualTo(50);
        assertThat(report.get("conflicts")).isEqualTo(TestSql.parse("[{\"userId\": " + victims.get(0)
                + ", \"path\": \"/data/phone\", \"keptVersion\": " + keptPhoneVersion + "}]"));
        assertThat(report.get("failed")).isEmpty();
        for (int i = 0; i < victims.size(); i++) {
            JsonNode data = TestSql.user(database, victims.get(i)).get("data");
            assertThat(data.get("address").asText()).as("user %d", i).isEqualTo("2 High St");
            assertThat(data.get("country").asText()).isEqualTo("US");
            assertThat(data.get("postalCode").asText()).isEqualTo("94103");
            assertThat(data.get("loyalty").asText()).isEqualTo("gold");
            assertThat(data.get("phone").asText()).isEqualTo(i == 0 ? "+14155559999" : "+14155550000");
            assertThat(data.path("nickname").asText(null)).isEqualTo(i % 2 == 0 ? "n" + i : null);
            JsonNode last = lastEntry(victims.get(i));
            assertThat(last.get("op").asText()).isEqualTo("rollback");
            assertThat(last.get("requestId").asText()).isEqualTo("rollback-incident");
            assertThat(last.get("actor").asText()).startsWith("token:admin-");
        }
        for (long id : bystanders) {
            assertThat(TestSql.user(database, id).get("data")).isEqualTo(TestSql.parse("""
                    {"phone": "+14155550000", "address": "2 High St", "country": "CA", "postalCode": "94103", "tier": 2}"""));
        }
    }

    @Test
    void aRollbackCanItselfBeRolledBack() throws Exception {
        List<Long> users = createUsers(3);
        Instant from = databaseNow();
        damage(users);
        Instant to = databaseNow();
        Instant rollbackFrom = databaseNow();
        assertThat(rollBack("{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"source\": \"sql\"}").get("usersAffected").asInt())
                .isEqualTo(3);
        Instant rollbackTo = databaseNow();
        String admin = lastEntry(users.get(0)).get("actor").asText();

        JsonNode undone = rollBack("{\"from\": \"" + rollbackFrom + "\", \"to\": \"" + rollbackTo + "\", \"actor\": \"" + admin + "\"}");

        assertThat(undone.get("usersAffected").asInt()).isEqualTo(3);
        for (long id : users) {
            assertThat(TestSql.user(database, id).get("data")).isEqualTo(TestSql.parse("{\"phone\": \"+14155551111\"}"));
            assertThat(lastEntry(id).get("op").asText()).isEqualTo("rollback");
        }

        Instant secondFrom = rollbackTo;
        JsonNode redone = rollBack("{\"from\": \"" + secondFrom + "\", \"to\": \"" + databaseNow() + "\", \"actor\": \"" + admin + "\"}");

        assertThat(redone.get("usersAffected").asInt()).isEqualTo(3);
        for (long id : users) {
            assertThat(TestSql.user(database, id).at("/data/address").asText()).isEqualTo("2 High St");
        }
    }

    @Test
    void runningTheSameRollbackAgainChangesNothing() throws Exception {
        List<Long> users = createUsers(2);
        History.ok(server.mergePatch("/users/" + users.get(0), "{\"data\": {\"kept\": true}}"));
        Instant from = databaseNow();
        damage(users);
        String body = "{\"from\": \"" + from + "\", \"to\": \"" + databaseNow() + "\", \"source\": \"sql\"}";
        assertThat(rollBack(body).get("usersAffected").asInt()).isEqualTo(2);
        List<JsonNode> rolledBack = users.stream().map(id -> TestSql.user(database, id)).toList();

        JsonNode again = rollBack(body);

        assertThat(again.get("usersAffected").asInt()).isZero();
        assertThat(again.get("changesUndone").asInt()).isZero();
        assertThat(again.get("conflicts")).isNotEmpty();
        assertThat(users.stream().map(id -> TestSql.user(database, id)).toList()).isEqualTo(rolledBack);
        assertThat(rolledBack.get(0).at("/data/kept").asBoolean()).isTrue();
    }

    @Test
    void dryRunsReportTheRollbackAndChangeNothing() throws Exception {
        List<Long> users = createUsers(5);
        Instant from = databaseNow();
        damage(users);
        String window = "\"from\": \"" + from + "\", \"to\": \"" + databaseNow() + "\", \"source\": \"sql\"";
        List<JsonNode> before = users.stream().map(id -> TestSql.user(database, id)).toList();
        long changes = TestSql.count(database, "SELECT count(*) FROM user_changes");

        JsonNode inBody = rollBack("{" + window + ", \"dryRun\": true}");
        HttpResponse inQuery = server.request("POST", "/admin/rollback?dryRun=true").token(server.adminToken)
                .json("{" + window + "}").send();

        assertThat(inBody.get("dryRun").asBoolean()).isTrue();
        assertThat(inBody.get("usersAffected").asInt()).isEqualTo(5);
        assertThat(inBody.get("changesUndone").asInt()).isEqualTo(5);
        assertThat(History.ok(inQuery).json()).isEqualTo(inBody);
        assertThat(users.stream().map(id -> TestSql.user(database, id)).toList()).isEqualTo(before);
        assertThat(TestSql.count(database, "SELECT count(*) FROM user_changes")).isEqualTo(changes);
    }

    @Test
    void onlyTheChangesOfTheNamedActorAreUndone() {
        List<Long> users = createUsers(2);
        Instant from = databaseNow();
        for (long id : users) {
            History.ok(server.mergePatch("/users/" + id, "{\"data\": {\"byWriter\": true}}"));
            History.ok(server.request("PATCH", "/users/" + id).token(server.adminToken)
                    .body("application/merge-patch+json", "{\"data\": {\"byAdmin\": true}}").send());
        }
        String writer = lastEntryOf(users.get(0), 2).get("actor").asText();

        JsonNode report = rollBack("{\"from\": \"" + from + "\", \"to\": \"" + databaseNow() + "\", \"actor\": \"" + writer + "\"}");

        assertThat(report.get("changesUndone").asInt()).isEqualTo(2);
        for (long id : users) {
            JsonNode data = TestSql.user(database, id).get("data");
            assertThat(data.has("byWriter")).isFalse();
            assertThat(data.get("byAdmin").asBoolean()).isTrue();
        }
    }

    @Test
    void aUserThatCannotBeRolledBackIsLeftUntouchedAndReported() throws Exception {
        List<Long> users = createUsers(2);
        long deleted = users.get(0);
        long damaged = users.get(1);
        String email = TestSql.user(database, deleted).get("email").asText();
        Instant from = databaseNow();
        TestSql.execute(database, "DELETE FROM users WHERE id = ?", deleted);
        damage(List.of(damaged));
        Instant to = databaseNow();
        TestUsers.create(server, "{\"name\": \"Newcomer\", \"email\": \"" + email + "\"}");
        long changesOfDeleted = History.changeCount(database, deleted);

        JsonNode report = rollBack("{\"from\": \"" + from + "\", \"to\": \"" + to + "\", \"source\": \"sql\"}");

        assertThat(report.get("usersAffected").asInt()).isEqualTo(1);
        assertThat(report.get("failed")).hasSize(1);
        assertThat(report.at("/failed/0/userId").asLong()).isEqualTo(deleted);
        assertThat(report.at("/failed/0/detail").asText()).contains("email");
        assertThat(TestSql.user(database, deleted)).isNull();
        assertThat(History.changeCount(database, deleted)).isEqualTo(changesOfDeleted);
        assertThat(TestSql.user(database, damaged).at("/data/address").asText()).isEqualTo("2 High St");
    }

    @Test
    void usersCreatedInTheWindowAreRemovedAndTheirHistoryKept() {
        Instant from = databaseNow();
        long created = createUsers(1).get(0);

        JsonNode report = rollBack("{\"from\": \"" + from + "\", \"to\": \"" + databaseNow() + "\", \"source\": \"api\"}");

        assertThat(report.get("usersAffected").asInt()).isEqualTo(1);
        assertThat(TestSql.user(database, created)).isNull();
        assertThat(lastEntry(created).get("op").asText()).isEqualTo("rollback");
        assertThat(History.ok(server.get("/users/" + created + "?version=1")).json().get("name").asText()).isEqualTo("Bob");
    }

    @Test
    void invalidRequestsAre422AndChangeNothing() {
        long changes = TestSql.count(database, "SELECT count(*) FROM user_changes");

        for (String body : new String[] {"{}", "{\"from\": \"2026-11-26T09:00:00Z\"}",
                "{\"from\": \"yesterday\", \"to\": \"2026-11-26T09:00:00Z\"}",
                "{\"from\": \"2026-11-26T10:00:00Z\", \"to\": \"2026-11-26T09:00:00Z\"}",
                "{\"from\": \"2026-11-26T09:00:00Z\", \"to\": \"2026-11-26T09:00:00Z\"}",
                "{\"from\": \"2026-11-26T09:00:00Z\", \"to\": \"2026-11-26T10:00:00Z\", \"source\": \"orm\"}",
                "{\"from\": \"2026-11-26T09:00:00Z\", \"to\": \"2026-11-26T10:00:00Z\", \"actor\": 3}",
                "{\"from\": \"2026-11-26T09:00:00Z\", \"to\": \"2026-11-26T10:00:00Z\", \"form\": \"x\"}"}) {
            HttpResponse response = server.request("POST", "/admin/rollback").token(server.adminToken).json(body).send();
            assertThat(response.status()).as(body).isEqualTo(422);
            assertThat(response.json().get("type").asText()).isEqualTo("/problems/validation");
            assertThat(response.json().get("errors")).isNotEmpty();
        }
        assertThat(TestSql.count(database, "SELECT count(*) FROM user_changes")).isEqualTo(changes);
    }

    @Test
    void theStandInGuardRefusesRemovalsThatWereNotDeclared() {
        long id = createUsers(1).get(0);

        assertThatThrownBy(() -> TestSql.execute(database, "UPDATE users SET data = data - 'address' WHERE id = ?", id))
                .satisfies(e -> assertThat(((SQLException) e.getCause()).getSQLState()).isEqualTo("CU001"));
        assertThat(TestSql.user(database, id).at("/data/address").asText()).isEqualTo("2 High St");
    }

    @Test
    void rollbackNeedsTheAdminRole() {
        HttpResponse response = server.request("POST", "/admin/rollback").token(server.writeToken)
                .json("{\"from\": \"2026-11-26T09:00:00Z\", \"to\": \"2026-11-26T10:00:00Z\"}").send();

        assertThat(response.status()).isEqualTo(403);
    }

    private static List<Long> createUsers(int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(TestUsers.createIncidentUser(server));
        }
        return ids;
    }

    private static void damage(List<Long> users) throws Exception {
        try (Connection orm = History.rawConnection(database)) {
            for (long id : users) {
                History.replaceDataWithRawSql(orm, id, "{\"phone\": \"+14155551111\"}");
            }
        }
    }

    private static JsonNode rollBack(String body) {
        return History.ok(server.request("POST", "/admin/rollback").token(server.adminToken).json(body).send()).json();
    }

    private static Instant databaseNow() {
        return Instant.parse(TestSql.value(database, "SELECT custodian_time(clock_timestamp())").toString());
    }

    private static JsonNode lastEntry(long id) {
        return lastEntryOf(id, 1);
    }

    /** The n-th newest history entry of a user, through the API. */
    private static JsonNode lastEntryOf(long id, int n) {
        return History.ok(server.get("/users/" + id + "/history?limit=" + n)).json().get("items").get(n - 1);
    }
}
