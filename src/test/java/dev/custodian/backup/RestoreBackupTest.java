package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST /admin/backups/{id}/restore: all users, or one; as new changes; reported exactly. */
class RestoreBackupTest {
    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void restoreReturnsEveryUserToItsBackedUpStateAndSoftDeletesLaterOnes() {
        fixture.addUsers(1, 30);
        fixture.inTransaction("UPDATE users SET deleted_at = now() WHERE id = 30");
        String stateAtBackup = fixture.usersState();
        String id = fixture.backup().get("id").asText();
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '5'", "SET LOCAL custodian.allow_removal = 'on'",
                "UPDATE users SET data = '{}' WHERE id <= 5");
        fixture.inTransaction("UPDATE users SET name = 'Renamed' WHERE id = 6");
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '2'", "DELETE FROM users WHERE id IN (7, 8)");
        fixture.inTransaction("UPDATE users SET deleted_at = NULL WHERE id = 30");
        fixture.addUsers(31, 3);
        long untouchedVersion = (Long) TestSql.value(fixture.db, "SELECT version FROM users WHERE id = 20");

        HttpResponse response = fixture.admin("POST", "/admin/backups/" + id + "/restore");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("dryRun").asBoolean()).isFalse();
        assertThat(report.get("restored").asLong()).isEqualTo(7);
        assertThat(report.get("created").asLong()).isEqualTo(2);
        assertThat(report.get("softDeleted").asLong()).isEqualTo(3);
        assertThat(report.get("unchanged").asLong()).isEqualTo(21);
        assertThat(report.get("requestId").asText()).isEqualTo(response.header("X-Request-Id"));
        assertThat(Files.exists(fixture.fileOf(report.get("safetyBackupId").asText()))).isTrue();
        assertThat(report.get("safetyBackupId").asText()).endsWith("-safety");

        assertThat(TestSql.value(fixture.db, "SELECT version FROM users WHERE id = 20")).isEqualTo(untouchedVersion);
        assertThat(fixture.count("SELECT count(*) FROM users WHERE id > 30 AND deleted_at IS NOT NULL")).isEqualTo(3);
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '3'", "DELETE FROM users WHERE id > 30");
        assertThat(fixture.usersState()).isEqualTo(stateAtBackup);
    }

    @Test
    void restoringOneUserLeavesEveryOtherUserUntouched() {
        fixture.addUsers(1, 10);
        String id = fixture.backup().get("id").asText();
        JsonNode userTwoAtBackup = TestSql.user(fixture.db, 2);
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '3'", "SET LOCAL custodian.allow_removal = 'on'",
                "UPDATE users SET data = jsonb_build_object('changed', id) WHERE id IN (1, 2, 3)");
        fixture.addUsers(11, 1);
        String othersBefore = othersThanUserTwo();

        HttpResponse response = fixture.admin("POST", "/admin/backups/" + id + "/restore", "{\"userId\": 2}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("userId").asLong()).isEqualTo(2);
        assertThat(response.json().get("restored").asLong()).isEqualTo(1);
        assertThat(response.json().get("softDeleted").asLong()).isZero();
        JsonNode userTwo = TestSql.user(fixture.db, 2);
        assertThat(userTwo.get("data")).isEqualTo(userTwoAtBackup.get("data"));
        assertThat(userTwo.get("version").asLong()).isGreaterThan(userTwoAtBackup.get("version").asLong() + 1);
        assertThat(othersThanUserTwo()).isEqualTo(othersBefore);
    }

    @Test
    void aDryRunReportsTheSameCountsAndChangesNothing() {
        fixture.addUsers(1, 10);
        String id = fixture.backup().get("id").asText();
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '4'", "UPDATE users SET name = 'X' WHERE id <= 4");
        String rowsBefore = fixture.usersRows();

        HttpResponse query = fixture.admin("POST", "/admin/backups/" + id + "/restore?dryRun=true");
        HttpResponse body = fixture.admin("POST", "/admin/backups/" + id + "/restore", "{\"dryRun\": true}");

        for (HttpResponse response : new HttpResponse[] {query, body}) {
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("dryRun").asBoolean()).isTrue();
            assertThat(response.json().get("restored").asLong()).isEqualTo(4);
            assertThat(response.json().get("safetyBackupId").isNull()).isTrue();
        }
        assertThat(fixture.usersRows()).isEqualTo(rowsBefore);
        assertThat(fixture.admin("GET", "/admin/backups").json().get("items")).hasSize(1);
    }

    @Test
    void aBackupRestoresIntoANewEmptyDatabaseWhoseNextUsersGetNewIds() throws IOException {
        fixture.addUsers(1, 25);
        String state = fixture.usersState();
        String id = fixture.backup().get("id").asText();
        try (var elsewhere = new BackupFixture()) {
            Files.copy(fixture.fileOf(id), elsewhere.fileOf("copied"));

            HttpResponse restore = elsewhere.admin("POST", "/admin/backups/copied/restore");
            HttpResponse created = elsewhere.server.postJson("/users", "{\"name\": \"New\", \"email\": \"new@example.com\"}");

            assertThat(restore.status()).as(restore.body()).isEqualTo(200);
            assertThat(restore.json().get("created").asLong()).isEqualTo(25);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().get("id").asLong()).isEqualTo(26);
            elsewhere.inTransaction("DELETE FROM users WHERE id = 26");
            assertThat(elsewhere.usersState()).isEqualTo(state);
        }
    }

    @Test
    void restoringAUserTheBackupDoesNotHoldIsNotFound() {
        fixture.addUsers(1, 3);
        String id = fixture.backup().get("id").asText();
        fixture.addUsers(4, 1);

        HttpResponse response = fixture.admin("POST", "/admin/backups/" + id + "/restore", "{\"userId\": 4}");
        HttpResponse invalid = fixture.admin("POST", "/admin/backups/" + id + "/restore", "{\"userId\": \"four\"}");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("detail").asText()).contains("user 4", id);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(fixture.count("SELECT count(*) FROM users WHERE deleted_at IS NULL")).isEqualTo(4);
    }

    private String othersThanUserTwo() {
        return TestSql.value(fixture.db,
                "SELECT md5(string_agg(u::text, '|' ORDER BY id)) FROM users u WHERE id <> 2").toString();
    }
}
