package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestSql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A backup carries the erasure register, so a person erased in one database stays erased when
 * its backups are restored into another, which never saw the erasure: neither that backup nor
 * an older one, taken while the values were still there, brings them back, and the other
 * database refuses reverts of the person from then on.
 */
class BackupCarriesErasuresTest {
    private final BackupFixture first = new BackupFixture();
    private final BackupFixture second = new BackupFixture();

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void aBackupRestoredIntoAnotherDatabaseKeepsTheErasedUserErasedThereAlsoForOlderBackups() {
        first.createUsersThroughApi(3);
        String older = first.backup().get("id").asText();
        erase(first, 2);
        JsonNode newer = first.backup();
        assertThat(newer.get("erasures").asLong()).isEqualTo(1);
        assertThat(newer.get("sections")).extracting(section -> section.get("table").asText())
                .containsExactly("users", "user_changes", "erasures");
        copy(older);
        copy(newer.get("id").asText());

        HttpResponse restore = second.admin("POST", "/admin/backups/" + newer.get("id").asText() + "/restore");

        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        assertThat(BackupFixture.ids(restore.json(), "/erasuresAdded")).containsExactly(2L);
        assertThat(restore.json().get("created").asLong()).isEqualTo(2);
        assertThat(second.count("SELECT count(*) FROM users WHERE id IN (1, 3)")).isEqualTo(2);
        assertThat(whatRemainsOfUserTwo(second)).isBlank();
        assertThat(register(second)).isEqualTo(register(first));
        HttpResponse revert = second.server.postJson("/users/2/revert", "{\"toVersion\": 1}");
        assertThat(revert.status()).as(revert.body()).isEqualTo(410);
        assertThat(revert.contentType()).isEqualTo("application/problem+json");
        assertThat(revert.json().get("type").asText()).isEqualTo("/problems/erased");

        HttpResponse olderRestore = second.admin("POST", "/admin/backups/" + older + "/restore", "{\"overwrite\": \"all\"}");

        assertThat(olderRestore.status()).as(olderRestore.body()).isEqualTo(200);
        assertThat(BackupFixture.ids(olderRestore.json(), "/erased")).containsExactly(2L);
        assertThat(BackupFixture.ids(olderRestore.json(), "/erasuresAdded")).isEmpty();
        assertThat(whatRemainsOfUserTwo(second)).isBlank();
        assertThat(second.count("SELECT count(*) FROM users WHERE id IN (1, 3)")).isEqualTo(2);
        HttpResponse alone = second.admin("POST", "/admin/backups/" + older + "/restore", "{\"userId\": 2}");
        assertThat(alone.status()).as(alone.body()).isEqualTo(410);
    }

    @Test
    void aDatabaseThatStillHoldsTheUserLosesItsValuesWhenTheRegisterArrives() {
        first.createUsersThroughApi(3);
        String older = first.backup().get("id").asText();
        erase(first, 2);
        String newer = first.backup().get("id").asText();
        copy(older);
        copy(newer);
        assertThat(second.admin("POST", "/admin/backups/" + older + "/restore").status()).isEqualTo(200);
        assertThat(whatRemainsOfUserTwo(second)).contains("User 2");

        HttpResponse restore = second.admin("POST", "/admin/backups/" + newer + "/restore");

        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        assertThat(BackupFixture.ids(restore.json(), "/erasuresAdded")).containsExactly(2L);
        assertThat(second.count("SELECT count(*) FROM users WHERE id = 2")).isZero();
        assertThat(whatRemainsOfUserTwo(second)).doesNotContain("User 2", "+14155550002", "\"value\"");
        assertThat(second.count("SELECT count(*) FROM user_changes WHERE user_id = 2 AND op = 'erase'")).isEqualTo(1);
        assertThat(register(second)).isEqualTo(register(first));
    }

    @Test
    void verifyReportsTheRegisterTheFileCarries() {
        first.createUsersThroughApi(2);
        erase(first, 1);
        String id = first.backup().get("id").asText();
        copy(id);

        HttpResponse verify = second.admin("POST", "/admin/backups/" + id + "/verify");

        assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        assertThat(check(verify.json(), "erasures.rows").get("ok").asBoolean()).isTrue();
        assertThat(check(verify.json(), "erasures.checksum").get("ok").asBoolean()).isTrue();
        assertThat(check(verify.json(), "erasures").get("detail").asText())
                .startsWith("1 users of this backup are erased ([1]")
                .contains("the file's erasure register holds 1 entries");
        assertThat(second.count("SELECT count(*) FROM erasures")).isZero();
    }

    @Test
    void aFileWrittenBeforeBackupsHeldTheRegisterStillVerifiesAndRestores() {
        first.createUsersThroughApi(3);
        String id = first.backup().get("id").asText();
        withoutRegister(id);

        HttpResponse verify = second.admin("POST", "/admin/backups/" + id + "/verify");
        HttpResponse restore = second.admin("POST", "/admin/backups/" + id + "/restore");

        assertThat(verify.status()).as(verify.body()).isEqualTo(200);
        assertThat(check(verify.json(), "erasures").get("detail").asText()).contains("carries no erasure register");
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        assertThat(restore.json().get("created").asLong()).isEqualTo(3);
        assertThat(BackupFixture.ids(restore.json(), "/erasuresAdded")).isEmpty();
    }

    private static void erase(BackupFixture fixture, long id) {
        HttpResponse response = fixture.admin("POST", "/admin/users/" + id + "/erase", "{\"reason\": \"GDPR request 17\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    /** Everything a database holds of user 2: its row and its history, as text. */
    private static String whatRemainsOfUserTwo(BackupFixture fixture) {
        return TestSql.value(fixture.db, """
                SELECT coalesce((SELECT u::text FROM users u WHERE id = 2), '') || ' '
                       || coalesce((SELECT string_agg(c::text, ' ') FROM user_changes c WHERE user_id = 2), '')""")
                .toString().trim();
    }

    /** The register without its ids, which each database numbers itself. */
    private static String register(BackupFixture fixture) {
        return TestSql.value(fixture.db, """
                SELECT string_agg(concat_ws('|', table_name, row_key, at, actor, request_id, reason, history_entries), ','
                                  ORDER BY table_name, row_key)
                  FROM erasures""").toString();
    }

    private void copy(String id) {
        try {
            Files.copy(first.fileOf(id), second.fileOf(id), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The backup as a Custodian without the register section wrote it: its last section cut off, into the second folder. */
    private void withoutRegister(String id) {
        BackupFile file = BackupFile.read(first.fileOf(id));
        JsonNode register = file.manifest().get("sections").get(2);
        assertThat(register.get("table").asText()).isEqualTo("erasures");
        int length = file.content().length - (int) register.get("bytes").asLong() - "\\.\n".length();
        byte[] content = Arrays.copyOf(file.content(), length);
        new BackupFile(file.manifest(), content).writeWith(second.fileOf(id), manifest -> {
            ((ArrayNode) manifest.get("sections")).remove(2);
            manifest.remove("erasures");
            manifest.put("contentBytes", length);
            manifest.put("sha256", sha256(content));
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode check : report.get("checks")) {
            if (check.get("name").asText().equals(name)) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }
}
