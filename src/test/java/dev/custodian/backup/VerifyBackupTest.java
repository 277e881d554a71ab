package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST /admin/backups/{id}/verify: checksum, then a real restore into a scratch schema. */
class VerifyBackupTest {
    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aGoodBackupPassesEveryCheckAndLeavesNoScratchSchema() {
        fixture.addUsers(1, 50);
        String id = fixture.backup().get("id").asText();
        fixture.addUsers(51, 5);

        HttpResponse response = fixture.admin("POST", "/admin/backups/" + id + "/verify");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("ok").asBoolean()).isTrue();
        assertThat(report.get("checks")).extracting(check -> check.get("name").asText())
                .contains("manifest", "schema", "sha256", "restore", "users.rows", "users.checksum");
        assertThat(report.get("checks")).allSatisfy(check -> {
            assertThat(check.get("ok").asBoolean()).isTrue();
            assertThat(check.get("detail").asText()).isNotBlank();
        });
        assertThat(report.at("/checks").toString()).contains("50 rows restored");
        assertThat(fixture.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'custodian_verify%'")).isZero();
        assertThat(fixture.admin("GET", "/admin/backups/" + id).json().at("/verification/ok").asBoolean()).isTrue();
    }

    @Test
    void rowsTheDatabaseWouldRefuseFailTheRestoreCheck() {
        fixture.addUsers(1, 3);
        String id = fixture.backup().get("id").asText();
        BackupFile read = BackupFile.read(fixture.fileOf(id));
        // Two live users with one email, consistently checksummed: intact file, impossible rows.
        String content = read.contentText().replace("user2@example.com", "user1@example.com");
        var rewritten = new BackupFile(read.manifest(), content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        rewritten.writeWith(fixture.folder.resolve("duplicate.backup.gz"), manifest -> {
            manifest.put("sha256", rewritten.contentSha256());
        });

        HttpResponse response = fixture.admin("POST", "/admin/backups/duplicate/verify");

        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo("/problems/backup-invalid");
        assertThat(response.json().get("detail").asText()).contains("duplicate", "duplicate key");
        assertThat(response.json().get("checks")).anySatisfy(check -> {
            assertThat(check.get("name").asText()).isEqualTo("restore");
            assertThat(check.get("ok").asBoolean()).isFalse();
        });
        assertThat(fixture.count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'custodian_verify%'")).isZero();
    }
}
