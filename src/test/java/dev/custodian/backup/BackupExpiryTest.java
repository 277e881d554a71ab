package dev.custodian.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.db.Transactions;
import dev.custodian.testing.CapturedLogs;
import dev.custodian.testing.HttpResponse;
import dev.custodian.testing.TestServer;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CUSTODIAN_BACKUP_MAX_AGE: backups of every kind older than the window are deleted by the
 * server's schedule, so an erased person's values do not outlive it in backup files, except
 * the newest verified backup, which is kept so that the service always has one.
 */
class BackupExpiryTest {
    private static final Duration WINDOW = Duration.ofDays(1);

    // Set up with the expiry off, so the files are in place before any expiry looks at them.
    private final BackupFixture fixture = new BackupFixture(Optional.empty(), 7,
            settings -> settings.withBackupMaxAge(Optional.empty()));
    private TestServer expiring;

    @AfterEach
    void close() {
        if (expiring != null) {
            expiring.close();
        }
        fixture.close();
    }

    @Test
    void oldBackupsOfEveryKindAreDeletedButTheNewestVerifiedOneAndYoungOnesStay() throws Exception {
        fixture.createUsersThroughApi(3);
        String manual = fixture.backup().get("id").asText();
        String scheduled = new Backups(fixture.folder, new Transactions(fixture.db), Clock.systemUTC())
                .create(BackupKind.SCHEDULED).get("id").asText();
        HttpResponse restore = fixture.admin("POST", "/admin/backups/" + manual + "/restore");
        assertThat(restore.status()).as(restore.body()).isEqualTo(200);
        String safety = restore.json().get("safetyBackupId").asText();
        String verified = fixture.backup().get("id").asText();
        assertThat(fixture.admin("POST", "/admin/backups/" + verified + "/verify").status()).isEqualTo(200);
        for (String old : List.of(manual, scheduled, safety, verified)) {
            takenDaysAgo(old, 2);
        }
        String young = fixture.backup().get("id").asText();

        try (var logs = new CapturedLogs()) {
            expiring = TestServer.start(fixture.db, settings -> settings.withBackups(fixture.folder, Optional.empty(), 7)
                    .withBackupMaxAge(Optional.of(WINDOW)));
            awaitGone(manual, scheduled, safety);

            awaitLine(logs, "kept backup " + verified);

            assertThat(remaining()).containsExactlyInAnyOrder(verified, young);
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("deleted 3 backups older than PT24H")
                    .contains(manual, scheduled, safety));
            assertThat(logs.lines()).anySatisfy(line -> assertThat(line).startsWith("kept backup " + verified
                    + " although it is older than PT24H: it is the newest verified backup"));
        }
        HttpResponse metrics = expiring.request("GET", "/metrics").token(expiring.adminToken).send();
        assertThat(metrics.body()).contains("custodian_backups_expired_total 3.0");
        assertThat(fixture.admin("GET", "/admin/backups/" + verified).status()).isEqualTo(200);
    }

    @Test
    void withoutAVerifiedBackupTheNewestOneIsKept() throws Exception {
        fixture.createUsersThroughApi(1);
        String older = fixture.backup().get("id").asText();
        String newer = fixture.backup().get("id").asText();
        takenDaysAgo(older, 3);
        takenDaysAgo(newer, 2);

        expiring = TestServer.start(fixture.db, settings -> settings.withBackups(fixture.folder, Optional.empty(), 7)
                .withBackupMaxAge(Optional.of(WINDOW)));
        awaitGone(older);

        assertThat(remaining()).containsExactly(newer);
    }

    /** Rewrites the backup's manifest as if it was taken {@code days} days ago; its content stays as written. */
    private void takenDaysAgo(String id, int days) {
        var file = fixture.fileOf(id);
        String createdAt = BackupWriter.TIME.format(Instant.now().minus(Duration.ofDays(days)));
        BackupFile.read(file).writeWith(file, manifest -> manifest.put("createdAt", createdAt));
    }

    private void awaitGone(String... ids) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline) && List.of(ids).stream().anyMatch(id -> Files.exists(fixture.fileOf(id)))) {
            Thread.sleep(100);
        }
        for (String id : ids) {
            assertThat(fixture.fileOf(id)).as(id).doesNotExist();
        }
    }

    private static void awaitLine(CapturedLogs logs, String start) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (Instant.now().isBefore(deadline) && logs.lines().stream().noneMatch(line -> line.startsWith(start))) {
            Thread.sleep(50);
        }
    }

    private List<String> remaining() {
        var ids = new ArrayList<String>();
        fixture.admin("GET", "/admin/backups").json().get("items").forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
