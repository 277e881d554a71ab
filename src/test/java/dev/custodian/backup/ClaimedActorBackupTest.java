package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.db.AppRoleGrants;
import dev.custodian.db.Transactions;
import dev.custodian.db.WriteContext;
import dev.custodian.testing.DatabaseRole;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestSql;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Backups carry claimed_actor, the actor a session claimed without being the service, and a
 * backup made before the column existed restores all the same.
 */
class ClaimedActorBackupTest {

    @Test
    void aClaimedActorIsBackedUpAndRestoredWithTheHistoryItBelongsTo() throws Exception {
        try (BackupFixture fixture = new BackupFixture(); DatabaseRole app = DatabaseRole.create(fixture.db, "claimer")) {
            AppRoleGrants.grant(new Transactions(fixture.db), WriteContext.of("test", "grant"), app.name());
            try (Connection connection = app.login().getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("SET custodian.actor = 'token:billing'");
                statement.execute("INSERT INTO users (name, email) VALUES ('Claimed', 'claimed@example.com')");
            }
            String historyAtBackup = history(fixture);
            JsonNode manifest = fixture.backup();
            // History is append-only (user_changes_10_protect): lose it as a replica would, under the triggers.
            fixture.inTransaction("SET LOCAL session_replication_role = replica", "DELETE FROM user_changes");

            HttpResponse restored = fixture.admin("POST", "/admin/backups/" + manifest.get("id").asText() + "/restore");

            assertThat(restored.status()).as(restored.body()).isEqualTo(200);
            assertThat(columns(manifest, "user_changes")).contains("claimed_actor");
            assertThat(historyAtBackup).contains("\"claimed_actor\":\"token:billing\"", "\"actor\":\"sql:" + app.name());
            assertThat(history(fixture)).isEqualTo(historyAtBackup);
        }
    }

    @Test
    void aBackupWithoutClaimedActorRestoresWithTheColumnLeftNull() throws Exception {
        try (BackupFixture before = new BackupFixture(); BackupFixture now = new BackupFixture()) {
            before.addUsers(1, 5);
            before.inTransaction("UPDATE users SET name = 'Renamed' WHERE id = 3");
            // The table as it was before V8__service_role.sql added the column.
            before.inTransaction("SET LOCAL custodian.allow_ddl = 'on'", "ALTER TABLE user_changes DROP COLUMN claimed_actor");
            JsonNode manifest = before.backup();
            String id = manifest.get("id").asText();
            Files.copy(before.fileOf(id), now.fileOf(id));

            HttpResponse verified = now.admin("POST", "/admin/backups/" + id + "/verify");
            HttpResponse restored = now.admin("POST", "/admin/backups/" + id + "/restore");

            assertThat(columns(manifest, "user_changes")).doesNotContain("claimed_actor");
            assertThat(verified.status()).as(verified.body()).isEqualTo(200);
            assertThat(restored.status()).as(restored.body()).isEqualTo(200);
            assertThat(now.usersState()).isEqualTo(before.usersState());
            assertThat(TestSql.value(now.db, """
                    SELECT json_agg(json_build_array(user_id, version, actor, source, changes) ORDER BY user_id, version)::text
                      FROM user_changes WHERE op <> 'restore'""")).isEqualTo(TestSql.value(before.db, """
                    SELECT json_agg(json_build_array(user_id, version, actor, source, changes) ORDER BY user_id, version)::text
                      FROM user_changes"""));
            assertThat(TestSql.count(now.db, "SELECT count(*) FROM user_changes WHERE claimed_actor IS NOT NULL")).isZero();
        }
    }

    private static String history(BackupFixture fixture) {
        return String.valueOf(TestSql.value(fixture.db, "SELECT json_agg(c ORDER BY user_id, version)::text FROM user_changes c"));
    }

    private static List<String> columns(JsonNode manifest, String table) {
        var columns = new ArrayList<String>();
        manifest.get("sections").forEach(section -> {
            if (section.get("table").asText().equals(table)) {
                section.get("columns").forEach(column -> columns.add(column.asText()));
            }
        });
        return columns;
    }
}
