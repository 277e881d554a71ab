package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backups taken before an erasure still hold the person's values; restoring or verifying one
 * consults the erasure register, so the values never come back into the database.
 */
class RestoreAfterErasureTest {
    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    private JsonNode erase(long id) {
        HttpResponse response = fixture.admin("POST", "/admin/users/" + id + "/erase", "{\"reason\": \"GDPR request\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }

    /** Everything the database holds of user 3: its row and its history, as text. */
    private String whatRemainsOfUserThree() {
        Object text = dev.custodian.testing.TestSql.value(fixture.db, """
                SELECT coalesce((SELECT u::text FROM users u WHERE id = 3), '') || ' '
                       || coalesce((SELECT string_agg(c::text, ' ') FROM user_changes c WHERE user_id = 3), '')""");
        return text.toString();
    }

    @Test
    void restoringABackupFromBeforeTheErasureSkipsTheErasedUserAndReturnsTheOthers() {
        fixture.createUsersThroughApi(5);
        String backup = fixture.backup().get("id").asText();
        JsonNode preview = fixture.admin("POST", "/admin/users/3/erase?dryRun=true", "{\"reason\": \"GDPR request\"}").json();
        erase(3);
        fixture.inTransaction("UPDATE users SET name = 'Mallory' WHERE id = 4");
        var before = fixture.states(List.of(1L, 2L, 5L));

        HttpResponse restore = fixture.admin("POST", "/admin/backups/" + backup + "/restore", "{\"overwrite\": \"all\"}");

        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        JsonNode report = restore.json();
        assertThat(preview.get("backups").get("ids")).extracting(JsonNode::asText).contains(backup);
        assertThat(BackupFixture.ids(report, "/erased")).containsExactly(3L);
        assertThat(BackupFixture.ids(report, "/returned/damaged")).containsExactly(4L);
        assertThat(report.get("created").asLong()).isZero();
        assertThat(report.get("historyRestored").asLong()).isZero();
        assertThat(fixture.count("SELECT count(*) FROM users WHERE id = 3")).isZero();
        assertThat(whatRemainsOfUserThree()).doesNotContain("User 3", "+14155550003", "\"value\"");
        assertThat(fixture.states(List.of(1L, 2L, 5L))).isEqualTo(before);
        assertThat(fixture.count("SELECT count(*) FROM users WHERE id = 4 AND name = 'User 4'")).isEqualTo(1);
    }

    @Test
    void restoringTheErasedUserAloneIsRefusedWith410AndChangesNothing() {
        fixture.createUsersThroughApi(3);
        String backup = fixture.backup().get("id").asText();
        erase(3);
        String remains = whatRemainsOfUserThree();

        HttpResponse restore = fixture.admin("POST", "/admin/backups/" + backup + "/restore", "{\"userId\": 3}");

        assertThat(restore.status()).as(restore.body()).isEqualTo(410);
        assertThat(restore.contentType()).isEqualTo("application/problem+json");
        assertThat(restore.json().get("type").asText()).isEqualTo("/problems/erased");
        assertThat(whatRemainsOfUserThree()).isEqualTo(remains);
    }

    @Test
    void verifyNamesTheErasedUsersABackupStillHolds() {
        fixture.createUsersThroughApi(3);
        String backup = fixture.backup().get("id").asText();
        erase(2);

        HttpResponse verify = fixture.admin("POST", "/admin/backups/" + backup + "/verify");

        assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        JsonNode erasures = null;
        for (JsonNode check : verify.json().get("checks")) {
            if (check.get("name").asText().equals("erasures")) {
                erasures = check;
            }
        }
        assertThat(erasures).as(verify.body()).isNotNull();
        assertThat(erasures.get("detail").asText()).startsWith("1 users of this backup are erased ([2]")
                .contains("a restore skips them");
    }
}
