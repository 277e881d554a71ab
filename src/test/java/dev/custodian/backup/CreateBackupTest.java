package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** POST /admin/backups, GET /admin/backups and GET /admin/backups/{id}. */
class CreateBackupTest {
    private final BackupFixture fixture = new BackupFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void createWritesOneGzipFileWhoseFirstLineIsTheManifest() throws IOException {
        fixture.addUsers(1, 20);
        fixture.inTransaction("UPDATE users SET deleted_at = now() WHERE id = 3");

        HttpResponse response = fixture.admin("POST", "/admin/backups");

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode created = response.json();
        String id = created.get("id").asText();
        assertThat(id).matches("\\d{8}T\\d{9}Z-manual");
        assertThat(response.header("Location")).isEqualTo("/admin/backups/" + id);
        assertThat(created.get("kind").asText()).isEqualTo("manual");
        assertThat(created.get("users").asLong()).isEqualTo(20);
        assertThat(created.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(created.get("sha256").asText()).matches("[0-9a-f]{64}");
        Path file = fixture.fileOf(id);
        assertThat(created.get("bytes").asLong()).isEqualTo(Files.size(file));
        try (Stream<Path> files = Files.list(fixture.folder)) {
            assertThat(files).containsExactly(file);
        }

        BackupFile read = BackupFile.read(file);
        assertThat(read.manifest().get("format").asText()).isEqualTo("custodian-backup");
        assertThat(read.manifest().get("formatVersion").asInt()).isEqualTo(1);
        assertThat(read.manifest().get("schemaVersion").asText()).isNotBlank();
        assertThat(read.contentSha256()).isEqualTo(created.get("sha256").asText());
        assertThat(read.content().length).isEqualTo(created.get("contentBytes").asInt());
        assertThat(read.contentText()).contains("user3@example.com").endsWith("\\.\n");
        assertThat(read.manifest().at("/sections/0/columns").toString())
                .contains("\"id\"", "\"name\"", "\"email\"", "\"data\"", "\"version\"", "\"created_at\"", "\"updated_at\"",
                        "\"deleted_at\"");
    }

    @Test
    void listAndShowAnswerWithTheManifestAndAMissingBackupIsNotFound() {
        fixture.addUsers(1, 3);
        String first = fixture.backup().get("id").asText();
        String second = fixture.backup().get("id").asText();

        JsonNode list = fixture.admin("GET", "/admin/backups").json();
        JsonNode page = fixture.admin("GET", "/admin/backups?limit=1").json();
        JsonNode rest = fixture.admin("GET", "/admin/backups?limit=1&after=" + page.get("next").asText()).json();
        HttpResponse shown = fixture.admin("GET", "/admin/backups/" + first);
        HttpResponse missing = fixture.admin("GET", "/admin/backups/20000101T000000000Z-manual");

        assertThat(list.get("items")).extracting(item -> item.get("id").asText()).containsExactly(second, first);
        assertThat(list.get("next").isNull()).isTrue();
        assertThat(page.get("items")).extracting(item -> item.get("id").asText()).containsExactly(second);
        assertThat(rest.get("items")).extracting(item -> item.get("id").asText()).containsExactly(first);
        assertThat(rest.get("next").isNull()).isTrue();
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().get("users").asLong()).isEqualTo(3);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.json().get("type").asText()).isEqualTo("/problems/not-found");
        assertThat(missing.json().get("detail").asText()).contains("20000101T000000000Z-manual");
    }

    @Test
    void aBackupFileCopiedIntoTheFolderIsListedUnderItsFileName() throws IOException {
        fixture.addUsers(1, 5);
        String id = fixture.backup().get("id").asText();
        Files.copy(fixture.fileOf(id), fixture.folder.resolve("from-elsewhere.backup.gz"));

        JsonNode list = fixture.admin("GET", "/admin/backups").json();
        HttpResponse shown = fixture.admin("GET", "/admin/backups/from-elsewhere");

        assertThat(list.get("items")).extracting(item -> item.get("id").asText()).contains("from-elsewhere", id);
        assertThat(shown.status()).isEqualTo(200);
        assertThat(shown.json().get("users").asLong()).isEqualTo(5);
    }

    @Test
    void aDryRunReportsWhatWouldBeBackedUpAndWritesNoFile() throws IOException {
        fixture.addUsers(1, 4);

        HttpResponse response = fixture.admin("POST", "/admin/backups?dryRun=true");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("dryRun").asBoolean()).isTrue();
        assertThat(response.json().get("users").asLong()).isEqualTo(4);
        try (Stream<Path> files = Files.list(fixture.folder)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void onlyAdminsReachBackups() {
        HttpResponse asWriter = fixture.server.request("POST", "/admin/backups").send();
        HttpResponse asReader = fixture.server.request("GET", "/admin/backups").token(fixture.server.readToken).send();

        assertThat(asWriter.status()).isEqualTo(403);
        assertThat(asReader.status()).isEqualTo(403);
    }

    @Test
    void theOpenApiDocumentDescribesEveryBackupRouteAsAdminOnly() {
        JsonNode paths = fixture.server.request("GET", "/openapi.json").token(fixture.server.readToken).send().json()
                .get("paths");

        for (String route : new String[] {"post /admin/backups", "get /admin/backups", "get /admin/backups/{id}",
                "post /admin/backups/{id}/verify", "post /admin/backups/{id}/restore"}) {
            String[] parts = route.split(" ");
            assertThat(paths.at("/" + parts[1].replace("/", "~1") + "/" + parts[0] + "/x-role").asText()).as(route)
                    .isEqualTo("admin");
        }
    }
}
