package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Signing in: the token's role decides what the console offers; the token is kept by the tab only. */
class ConsoleRolesTest {
    @RegisterExtension
    static final Browser browser = new Browser();

    private final TestServer server = TestServer.shared();
    private final Console console = browser.console(server);
    private long userId;

    @BeforeEach
    void createAUserWithHistory() {
        userId = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + userId, "{\"data\": {\"phone\": \"+14155550123\"}}").status()).isEqualTo(200);
    }

    @Test
    void aReadTokenSeesUsersAndHistoryButIsOfferedNoUndo() {
        signInAndOpenTheUser(server.readToken, "read", "Recent changes", "Find a user");
        assertThat(console.all(By.cssSelector("[data-action=undo], [data-action=revert]"))).isEmpty();
        assertThat(console.all(By.cssSelector("[data-action=open]"))).hasSize(2);

        console.go("#/rollback");
        assertThat(console.find(By.cssSelector("main h1")).getText()).isEqualTo("Not for this token");
        assertThat(console.all(By.id("rollback"))).isEmpty();
    }

    @Test
    void aWriteTokenMayUndoAChangeButNotRollBackOrRestore() {
        signInAndOpenTheUser(server.writeToken, "write", "Recent changes", "Find a user");
        assertThat(console.all(By.cssSelector("[data-action=undo]"))).hasSize(2);
        assertThat(console.all(By.cssSelector("[data-action=revert]"))).as("every version but the current one").hasSize(1);

        console.go("#/backups");
        assertThat(console.find(By.cssSelector("main h1")).getText()).isEqualTo("Not for this token");
        assertThat(console.all(By.id("create-backup"))).isEmpty();
    }

    @Test
    void anAdminTokenIsOfferedRollbackAndBackupsToo() {
        signInAndOpenTheUser(server.adminToken, "admin", "Recent changes", "Find a user", "Roll back", "Backups", "Tokens");
        assertThat(console.all(By.cssSelector("[data-action=undo]"))).hasSize(2);

        console.click(By.cssSelector("#nav a[data-nav=rollback]"));
        console.waitFor(By.id("rollback"));
        console.click(By.cssSelector("#nav a[data-nav=backups]"));
        console.waitFor(By.id("create-backup"));
        console.click(By.cssSelector("#nav a[data-nav=tokens]"));
        console.waitFor(By.id("create-token"));
    }

    @Test
    void aTokenTheServiceDoesNotKnowIsRefusedAndNotKept() {
        console.signOutAndOpen();
        console.type(By.id("token"), "cus_not-a-token");
        console.click(By.cssSelector("#sign-in button[type=submit]"));
        console.waitForText(By.id("sign-in-outcome"), "The service does not accept this token");
        assertThat(console.all(By.cssSelector("[data-role]"))).isEmpty();
        assertThat(console.script("return sessionStorage.length")).isEqualTo(0L);
    }

    @Test
    void theTokenIsKeptByTheTabOnlyAndSigningOutForgetsIt() {
        console.signIn(server.readToken);
        assertThat(console.script("return sessionStorage.getItem('custodian.token')")).isEqualTo(server.readToken);
        assertThat(console.script("return document.cookie")).isEqualTo("");
        assertThat(console.script("return localStorage.length")).isEqualTo(0L);
        assertThat(browser.driver().manage().getCookies()).isEmpty();

        console.click(By.id("sign-out"));
        console.waitFor(By.id("token"));
        assertThat(console.script("return sessionStorage.length")).isEqualTo(0L);
        assertThat(console.find(By.id("sign-in-outcome")).getText()).contains("Signed out");
    }

    /** Signs in, checks the role and the navigation the console shows, and opens the user's page. */
    private void signInAndOpenTheUser(String token, String role, String... navigation) {
        console.signIn(token);
        assertThat(role()).isEqualTo(role);
        assertThat(navigation()).containsExactly(navigation);
        console.go("#/users/" + userId);
        console.waitFor(console.entry(2));
    }

    private String role() {
        return console.find(By.cssSelector("[data-role]")).getAttribute("data-role");
    }

    private List<String> navigation() {
        return console.all(By.cssSelector("#nav a")).stream().map(WebElement::getText).toList();
    }
}
