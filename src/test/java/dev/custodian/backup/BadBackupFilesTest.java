package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Damaged or foreign files are refused by verify and restore with a 4xx that names the
 * problem, and the database and the backup folder are as they were.
 */
class BadBackupFilesTest {
    private final BackupFixture fixture = new BackupFixture();
    private String good;
    private String rowsBefore;

    @BeforeEach
    void takeABackupThenChangeEveryone() {
        fixture.addUsers(1, 200);
        good = fixture.backup().get("id").asText();
        fixture.inTransaction("SET LOCAL custodian.allow_rows = '200'",
                "UPDATE users SET name = 'Changed ' || id");
        rowsBefore = fixture.usersRows();
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void aTruncatedFileIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture.fileOf(good));
        Files.write(file("truncated"), Arrays.copyOf(bytes, bytes.length / 2));

        assertRefused("truncated", 422, "truncated");
    }

    @Test
    void aFileCutAfterItsManifestIsRefused() throws IOException {
        BackupFile read = BackupFile.read(fixture.fileOf(good));
        new BackupFile(read.manifest(), new byte[0]).writeWith(file("manifest-only"), manifest -> { });

        assertRefused("manifest-only", 422, "truncated");
    }

    @Test
    void aFlippedByteIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(fixture.fileOf(good));
        bytes[bytes.length * 2 / 3] ^= 0x20;
        Files.write(file("flipped"), bytes);

        assertRefused("flipped", 422, "corrupted");
    }

    @Test
    void contentThatDoesNotMatchTheChecksumIsRefused() {
        BackupFile read = BackupFile.read(fixture.fileOf(good));
        byte[] content = read.contentText().replace("User 7\t", "User 8\t").getBytes(StandardCharsets.UTF_8);
        new BackupFile(read.manifest(), content).writeWith(file("tampered"), manifest -> { });

        assertRefused("tampered", 422, "SHA-256");
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        BackupFile.read(fixture.fileOf(good)).writeWith(file("future-format"), manifest -> manifest.put("formatVersion", 99));

        assertRefused("future-format", 422, "format version 99");
    }

    @Test
    void aFileFromANewerSchemaIsRefused() {
        BackupFile.read(fixture.fileOf(good)).writeWith(file("newer-schema"), manifest -> manifest.put("schemaVersion", "999"));

        assertRefused("newer-schema", 422, "schema version 999");
    }

    @Test
    void aFileThatIsNotABackupIsRefused() throws IOException {
        Files.writeString(file("notes"), "not a backup\n");

        assertRefused("notes", 422, "not a gzip file");
    }

    @Test
    void aMissingFileIsNotFound() {
        assertRefused("20000101T000000000Z-manual", 404, "no backup");
    }

    private Path file(String id) {
        return fixture.fileOf(id);
    }

    private void assertRefused(String id, int status, String problem) {
        HttpResponse verify = fixture.admin("POST", "/admin/backups/" + id + "/verify");
        HttpResponse restore = fixture.admin("POST", "/admin/backups/" + id + "/restore");
        HttpResponse dryRun = fixture.admin("POST", "/admin/backups/" + id + "/restore?dryRun=true");

        for (HttpResponse response : new HttpResponse[] {verify, restore, dryRun}) {
            assertThat(response.status()).as(response.body()).isEqualTo(status);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asText()).contains(id, problem);
        }
        assertThat(fixture.usersRows()).isEqualTo(rowsBefore);
        assertThat(safetyBackups()).isZero();
    }

    private long safetyBackups() {
        try (Stream<Path> files = Files.list(fixture.folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-safety.backup.gz")).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
