package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Tokens in the console: created with the secret shown once, listed, and revoked after a confirmation. */
class ConsoleTokensTest {
    @RegisterExtension
    static final Browser browser = new Browser();

    private final TestServer server = TestServer.shared();
    private final Console console = browser.console(server);
    private final String name = "console-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void anAdminCreatesATokenSeesItsSecretOnceRevokesItAndTheApiThenRefusesIt() {
        console.signIn(server.adminToken).go("#/tokens");
        console.type(By.id("token-name"), name);
        console.select(By.id("token-role"), "write");
        console.type(By.id("token-expires"), "30d");
        console.click(By.cssSelector("#create-token button[type=submit]"));

        console.waitFor(By.cssSelector("[data-result=created]"));
        String secret = console.find(By.id("new-secret")).getAttribute("value");
        assertThat(server.request("GET", "/users?limit=1").token(secret).send().status()).as("the new token works").isEqualTo(200);
        Map<String, Object> row = tokenRow();
        assertThat(row).containsEntry("role", "write").containsEntry("revoked", false).containsEntry("hashed", true);
        assertThat(Duration.ofSeconds(((Number) row.get("lifetime")).longValue()))
                .isBetween(Duration.ofDays(30).minusMinutes(5), Duration.ofDays(30));
        WebElement listed = console.waitFor(token());
        assertThat(listed.getAttribute("data-status")).isEqualTo("active");
        assertThat(listed.findElement(By.cssSelector("[data-field=role]")).getText()).isEqualTo("write");

        console.click(By.id("copy-secret"));
        console.waitFor(By.cssSelector("#copy-status:not(:empty)"));
        assertThat(console.script("const s = document.getElementById('new-secret');"
                + " return s.value.substring(s.selectionStart, s.selectionEnd)")).as("selected for copying").isEqualTo(secret);
        assertThat(keptByTheTab(secret)).as("the secret in storage or the address").isFalse();

        console.click(By.id("forget-secret"));
        console.waitUntilGone(By.id("new-secret"));
        assertThat(shownOrKept(secret)).isFalse();
        console.go("#/changes").go("#/tokens");
        console.waitFor(token());
        assertThat(shownOrKept(secret)).as("after leaving and coming back").isFalse();

        console.click(By.cssSelector("li.token[data-token='" + name + "'] [data-action=revoke]"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(console.find(By.id("token-outcome")).getText()).contains("Revoke " + name + "?");
        assertThat(tokenRow()).as("nothing is revoked before the confirmation").containsEntry("revoked", false);
        console.click(By.id("confirm-revoke"));

        console.waitFor(By.cssSelector("[data-result=revoked]"));
        console.waitFor(By.cssSelector("li.token[data-token='" + name + "'][data-status=revoked]"));
        assertThat(console.all(By.cssSelector("li.token[data-token='" + name + "'] [data-action=revoke]"))).isEmpty();
        assertThat(tokenRow()).containsEntry("revoked", true);
        assertThat(server.request("GET", "/users?limit=1").token(secret).send().status()).as("the revoked token").isEqualTo(401);
        assertThat(server.request("GET", "/users?limit=1").token(server.adminToken).send().status()).as("the console's own").isEqualTo(200);
    }

    @Test
    void aNameTheApiRefusesIsExplainedAndNothingIsCreated() {
        console.signIn(server.adminToken).go("#/tokens");
        console.type(By.id("token-name"), "no spaces " + name);
        console.click(By.cssSelector("#create-token button[type=submit]"));

        console.waitFor(By.cssSelector("#token-outcome .problem[data-status='422']"));
        assertThat(console.find(By.id("token-outcome")).getText()).contains("name");
        assertThat(console.all(By.id("new-secret"))).isEmpty();
        assertThat(TestSql.count(server.dataSource(), "SELECT count(*) FROM api_tokens WHERE name LIKE ?", "%" + name)).isZero();
    }

    @Test
    void readAndWriteTokensAreNotOfferedTheTokensScreen() {
        for (String token : List.of(server.readToken, server.writeToken)) {
            console.signIn(token);
            assertThat(console.all(By.cssSelector("#nav a[data-nav=tokens]"))).isEmpty();
            console.go("#/tokens");
            assertThat(console.find(By.cssSelector("main h1")).getText()).isEqualTo("Not for this token");
            assertThat(console.all(By.id("create-token"))).isEmpty();
            assertThat(console.all(By.id("tokens"))).isEmpty();
        }
    }

    private By token() {
        return By.cssSelector("li.token[data-token='" + name + "']");
    }

    private Map<String, Object> tokenRow() {
        return TestSql.rows(server.dataSource(), """
                SELECT role, extract(epoch FROM expires_at - now())::bigint AS lifetime, revoked_at IS NOT NULL AS revoked, token_sha256 ~ '^[0-9a-f]{64}$' AS hashed
                  FROM api_tokens WHERE name = ?""", name).get(0);
    }

    /** Whether the tab keeps the secret anywhere: its storage, its cookies, its address. */
    private boolean keptByTheTab(String secret) {
        return (Boolean) console.script("""
                const s = arguments[0];
                const stored = (storage) => Object.keys(storage).some(k => storage.getItem(k).includes(s));
                return stored(sessionStorage) || stored(localStorage) || document.cookie.includes(s)
                    || window.location.href.includes(s)""", secret);
    }

    private boolean shownOrKept(String secret) {
        return keptByTheTab(secret) || (Boolean) console.script("""
                return document.body.textContent.includes(arguments[0])
                    || [...document.querySelectorAll('input')].some(i => i.value.includes(arguments[0]))""", secret);
    }
}
