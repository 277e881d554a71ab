package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Restores and history: lost history comes back, and a restore is itself undone like any change. */
class RestoreHistoryTest {
    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void tenThousandUsersAndTheirHistoryComeBackAfterEveryUserIsDeletedAndHistoryDamaged() {
        fixture.addUsers(1, 10_000);
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '10000'",
                "UPDATE users SET data = data || jsonb_build_object('plan', 'pro') WHERE id % 3 = 0");
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '10000'",
                "UPDATE users SET deleted_at = now() WHERE id % 100 = 0");
        String stateAtBackup = fixture.usersState();
        fixture.inTransaction("CREATE TABLE history_at_backup AS SELECT * FROM user_changes");
        JsonNode backup = fixture.backup();
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '10000'", "DELETE FROM users");
        // History refuses deletes (user_changes_10_protect): damage it as only a superuser can, past its triggers.
        fixture.inTransaction("SET LOCAL session_replication_role = replica",
                "DELETE FROM user_changes WHERE version = 1 OR user_id % 7 = 0");
        long lostEntries = fixture.count("""
                SELECT count(*) FROM history_at_backup b
                 WHERE NOT EXISTS (SELECT 1 FROM user_changes c WHERE (c.user_id, c.version) = (b.user_id, b.version))""");

        HttpResponse response = fixture.admin("POST", "/admin/backups/" + backup.get("id").asText() + "/restore");

        // 10,000 users are more than CUSTODIAN_JOB_THRESHOLD: the restore runs as a job.
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        JsonNode report = reportOfJob(response.header("Location"));
        assertThat(backup.get("users").asLong()).isEqualTo(10_000);
        assertThat(backup.get("changes").asLong()).isEqualTo(fixture.count("SELECT count(*) FROM history_at_backup"));
        assertThat(report.get("created").asLong()).isEqualTo(10_000);
        assertThat(report.get("historyRestored").asLong()).isEqualTo(lostEntries).isPositive();
        assertThat(fixture.usersState()).isEqualTo(stateAtBackup);
        assertThat(fixture.count("""
                SELECT count(*) FROM history_at_backup b
                  LEFT JOIN user_changes c USING (user_id, version)
                 WHERE c.user_id IS NULL OR row_to_json(c)::jsonb <> row_to_json(b)::jsonb""")).isZero();
        assertThat(fixture.count("""
                SELECT count(*) FROM users u JOIN user_changes c ON c.user_id = u.id AND c.version = u.version
                 WHERE c.op = 'restore' AND c.request_id = ?""", report.get("requestId").asText())).isEqualTo(10_000);
    }

    @Test
    void rollingBackARestoreReturnsEveryUserToTheStateBeforeIt() {
        fixture.addUsers(1, 50);
        String id = fixture.backup().get("id").asText();
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '10'", "SET LOCAL custodian.allow_removal = 'on'",
                "UPDATE users SET name = 'Renamed ' || id, data = '{}' WHERE id <= 10");
        fixture.inTransaction("UPDATE users SET deleted_at = now() WHERE id = 11");
        fixture.addUsers(51, 5);
        String beforeRestore = fixture.usersState();

        JsonNode report = fixture.admin("POST", "/admin/backups/" + id + "/restore").json();
        long restoreEntries = fixture.count("SELECT count(*) FROM user_changes WHERE op = 'restore' AND request_id = ?",
                report.get("requestId").asText());
        HttpResponse rollback = fixture.admin("POST", "/admin/rollback", report.get("rollback").toString());

        assertThat(report.get("restored").asLong()).isEqualTo(11);
        assertThat(report.get("softDeleted").asLong()).isEqualTo(5);
        assertThat(restoreEntries).isEqualTo(16);
        assertThat(rollback.status()).as(rollback.body()).isEqualTo(200);
        assertThat(rollback.json().get("usersAffected").asLong()).isEqualTo(16);
        assertThat(rollback.json().get("failed")).isEmpty();
        assertThat(fixture.usersState()).isEqualTo(beforeRestore);
    }

    /** The report of the job at {@code location}, once it has ended; it must have succeeded. */
    private JsonNode reportOfJob(String location) {
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(300);
        JsonNode job = fixture.admin("GET", location).json();
        while (job.get("status").asText().equals("running")) {
            assertThat(java.time.Instant.now()).as("the job ran past five minutes").isBefore(deadline);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            job = fixture.admin("GET", location).json();
        }
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("succeeded");
        return job.get("report");
    }
}
