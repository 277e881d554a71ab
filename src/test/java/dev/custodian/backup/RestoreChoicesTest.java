package dev.custodian.backup;

import static dev.custodian.backup.BackupFixture.ids;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestSql;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a full restore overwrites is chosen explicitly: users written through the API since the
 * backup are kept unless {@code overwrite} names them, damaged users are returned unless {@code
 * keep} names them, and a choice that names no user is refused before anything changes.
 */
class RestoreChoicesTest {
    private static final List<Long> ALL = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    private final BackupFixture fixture = new BackupFixture();
    private String backupId;
    private Map<Long, JsonNode> atBackup;

    /** Users 1–9 created through the API and backed up; then 2–5 written through the API, 6–9 damaged by SQL. */
    @BeforeEach
    void writeAndDamageAfterABackup() {
        fixture.createUsersThroughApi(9);
        backupId = fixture.backup().get("id").asText();
        atBackup = fixture.states(ALL);
        for (long id = 2; id <= 5; id++) {
            HttpResponse write = fixture.server.mergePatch("/users/" + id, "{\"data\": {\"later\": " + id + "}}");
            assertThat(write.status()).as(write.body()).isEqualTo(200);
        }
        fixture.damageUsersSixToNine();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void usersNamedInOverwriteGoBackToTheBackupAndTheOtherWrittenUsersKeepTheirWrites() {
        JsonNode report = restoreKeeping("{\"overwrite\": [2, 3]}", List.of(4L, 5L));

        assertThat(fixture.states(List.of(4L)).get(4L).at("/data/later").asLong()).isEqualTo(4);
        assertThat(ids(report, "/returned/written")).containsExactly(2L, 3L);
        assertThat(ids(report, "/returned/damaged")).containsExactly(6L, 7L, 8L, 9L);
        assertThat(ids(report, "/kept/written")).containsExactly(4L, 5L);
        assertThat(report.get("restored").asLong()).isEqualTo(5);
    }

    @Test
    void overwriteAllReturnsEveryUserAndKeepLeavesTheNamedOnesAsTheyAre() {
        JsonNode report = restoreKeeping("{\"overwrite\": \"all\", \"keep\": [4, 7]}", List.of(4L, 7L));

        assertThat(fixture.states(List.of(7L)).get(7L).get("name").asText()).isEqualTo("Mallory");
        assertThat(ids(report, "/returned/written")).containsExactly(2L, 3L, 5L);
        assertThat(ids(report, "/returned/damaged")).containsExactly(6L, 8L, 9L);
        assertThat(ids(report, "/kept/written")).containsExactly(4L);
        assertThat(ids(report, "/kept/damaged")).containsExactly(7L);
    }

    @Test
    void aUserDamagedAndThenWrittenThroughTheApiIsAConflictKeptUntilOverwriteNamesIt() {
        HttpResponse write = fixture.server.mergePatch("/users/7", "{\"data\": {\"afterDamage\": true}}");
        assertThat(write.status()).as(write.body()).isEqualTo(200);
        JsonNode userSeven = fixture.states(List.of(7L)).get(7L);

        HttpResponse kept = restore("");
        JsonNode keptSeven = fixture.states(List.of(7L)).get(7L);
        HttpResponse named = restore("{\"overwrite\": [7]}");

        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(ids(kept.json(), "/kept/conflict")).containsExactly(7L);
        assertThat(ids(kept.json(), "/returned/damaged")).containsExactly(6L, 8L, 9L);
        assertThat(keptSeven).isEqualTo(userSeven);
        assertThat(named.status()).as(named.body()).isEqualTo(200);
        assertThat(ids(named.json(), "/returned/conflict")).containsExactly(7L);
        assertThat(named.json().get("restored").asLong()).isEqualTo(1);
        assertThat(fixture.states(List.of(7L)).get(7L)).isEqualTo(atBackup.get(7L));
    }

    @Test
    void usersCreatedOrDeletedThroughTheApiSinceTheBackupStayCreatedOrDeleted() {
        HttpResponse created = fixture.server.postJson("/users", "{\"name\": \"New\", \"email\": \"new@example.com\"}");
        HttpResponse deleted = fixture.server.request("DELETE", "/users/3").send();
        fixture.inTransaction("INSERT INTO users (name, email) VALUES ('Inserted', 'inserted@example.com')");
        long createdByApi = created.json().get("id").asLong();
        long insertedBySql = fixture.count("SELECT id FROM users WHERE email = 'inserted@example.com'");

        HttpResponse response = restore("");

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(deleted.status()).as(deleted.body()).isIn(200, 204);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(TestSql.user(fixture.db, createdByApi).get("deleted").asBoolean()).isFalse();
        assertThat(TestSql.user(fixture.db, 3).get("deleted").asBoolean()).isTrue();
        assertThat(TestSql.user(fixture.db, insertedBySql).get("deleted").asBoolean()).isTrue();
        JsonNode report = response.json();
        assertThat(ids(report, "/kept/written")).containsExactly(2L, 3L, 4L, 5L, createdByApi);
        assertThat(ids(report, "/returned/damaged")).containsExactly(6L, 7L, 8L, 9L, insertedBySql);
        assertThat(report.get("softDeleted").asLong()).isEqualTo(1);
    }

    @Test
    void choicesThatCannotBeMetAreRefusedBeforeAnythingChanges() {
        String rows = fixture.usersRows();
        long history = fixture.count("SELECT count(*) FROM user_changes");

        Map<String, String> refused = Map.of(
                "{\"overwrite\": [3], \"keep\": [3, 4]}", "/keep",
                "{\"userId\": 2, \"overwrite\": \"all\"}", "/overwrite",
                "{\"userId\": 2, \"keep\": [6]}", "/keep",
                "{\"overwrite\": \"everything\"}", "/overwrite",
                "{\"overwrite\": [2, 0]}", "/overwrite/1",
                "{\"keep\": [null]}", "/keep/0",
                "{\"keep\": [6, 999]}", "/keep",
                "{\"overwrite\": [12345]}", "/overwrite");
        refused.forEach((body, path) -> {
            HttpResponse response = restore(body);
            assertThat(response.status()).as(body + " → " + response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().at("/errors/0/path").asText()).as(body).isEqualTo(path);
        });
        HttpResponse unknown = restore("{\"keep\": [6, 999]}");

        assertThat(unknown.json().get("detail").asText()).contains("999", backupId);
        assertThat(fixture.usersRows()).isEqualTo(rows);
        assertThat(fixture.count("SELECT count(*) FROM user_changes")).isEqualTo(history);
        assertThat(fixture.admin("GET", "/admin/backups").json().get("items")).hasSize(1);
    }

    /**
     * Restores with {@code body} and checks that the users in {@code kept} did not move and every
     * other user of 1–9 is as in the backup; returns the report.
     */
    private JsonNode restoreKeeping(String body, List<Long> kept) {
        Map<Long, JsonNode> before = fixture.states(ALL);
        HttpResponse response = restore(body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        Map<Long, JsonNode> after = fixture.states(ALL);
        for (long id : ALL) {
            assertThat(after.get(id)).as("user %d", id).isEqualTo((kept.contains(id) ? before : atBackup).get(id));
        }
        return response.json();
    }

    private HttpResponse restore(String body) {
        String path = "/admin/backups/" + backupId + "/restore";
        return body.isEmpty() ? fixture.admin("POST", path) : fixture.admin("POST", path, body);
    }
}
