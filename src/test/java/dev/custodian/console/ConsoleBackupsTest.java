package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.ServerOnOwnDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Backups in the console: create, verify, restore one user after a preview, and undo the restore. On its own database. */
class ConsoleBackupsTest {
    @RegisterExtension
    static final Browser browser = new Browser();

    @RegisterExtension
    static final ServerOnOwnDatabase own = new ServerOnOwnDatabase();

    private final TestServer server = own.server();

    @Test
    void aBackupIsCreatedVerifiedAndRestoresOneDamagedUserAfterAPreview() {
        long id = TestUsers.createIncidentUser(server);
        long other = TestUsers.createIncidentUser(server);
        JsonNode backedUp = TestSql.user(server.dataSource(), id);
        Console console = browser.console(server).signIn(server.adminToken).go("#/backups");

        console.click(By.id("create-backup"));
        console.waitFor(By.cssSelector("[data-result=created]"));
        WebElement listed = console.waitFor(By.cssSelector("#backups li.backup"));
        String backupId = listed.getAttribute("data-backup");
        assertThat(server.request("GET", "/admin/backups/" + backupId).token(server.adminToken).send().json().get("users").asLong())
                .isEqualTo(2);

        console.click(By.cssSelector("li.backup[data-backup='" + backupId + "'] [data-action=verify]"));
        console.waitFor(By.cssSelector("[data-result=verified]"));
        assertThat(console.all(By.cssSelector("#verify-checks li.check-ok"))).isNotEmpty();
        assertThat(console.all(By.cssSelector("#verify-checks li.check-failed"))).isEmpty();

        RawSql.replaceData(server.dataSource(), id, "{\"phone\": \"+14155550199\"}");
        RawSql.replaceData(server.dataSource(), other, "{\"phone\": \"+14155550198\"}");
        JsonNode damaged = TestSql.user(server.dataSource(), id);
        JsonNode otherDamaged = TestSql.user(server.dataSource(), other);
        console.type(By.id("restore-user-" + backupId), Long.toString(id));
        console.click(By.cssSelector("li.backup[data-backup='" + backupId + "'] [data-action=restore-user]"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(console.find(By.cssSelector("#restore-report [data-field=restored]")).getText()).isEqualTo("1");
        assertThat(TestSql.user(server.dataSource(), id)).as("a preview changes nothing").isEqualTo(damaged);

        console.click(By.id("confirm-restore"));
        console.waitFor(By.cssSelector("[data-result=restored]"));
        JsonNode restored = TestSql.user(server.dataSource(), id);
        assertThat(restored.get("data")).isEqualTo(backedUp.get("data"));
        assertThat(restored.get("version").asLong()).isEqualTo(3);
        assertThat(TestSql.user(server.dataSource(), other)).as("only the user named").isEqualTo(otherDamaged);

        console.click(By.id("undo-restore"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(console.find(By.cssSelector("#rollback-report [data-field=changesUndone]")).getText()).isEqualTo("1");
        assertThat(console.all(By.id("window-mismatch"))).isEmpty();
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(restored);
    }
}
