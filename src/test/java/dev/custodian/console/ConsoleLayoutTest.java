package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestUsers;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/** The console at a laptop's and a phone's size, and with the keyboard alone. */
class ConsoleLayoutTest {
    @RegisterExtension
    static final Browser browser = new Browser();

    private final TestServer server = TestServer.shared();
    private final Console console = browser.console(server);
    private long userId;

    @BeforeEach
    void createAUserWithHistory() {
        userId = TestUsers.createIncidentUser(server);
        RawSql.replaceData(server.dataSource(), userId,
                "{\"phone\": \"+14155550199\", \"comment\": \"" + "a-long-value-without-spaces-".repeat(8) + "\"}");
    }

    @Test
    void theUserPageFitsALaptopAndAPhoneWithoutScrollingSideways() {
        for (Dimension size : List.of(Browser.LAPTOP, Browser.PHONE)) {
            browser.driver().manage().window().setSize(size);
            console.signIn(server.writeToken).go("#/users/" + userId);
            console.waitFor(console.entry(2));
            assertThat((Long) console.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                    .as("content wider than the window at %s", size).isLessThanOrEqualTo(0L);
            for (WebElement control : console.all(By.cssSelector("#nav a, #sign-out, [data-action=undo], #compare button"))) {
                console.script("arguments[0].scrollIntoView({block: 'center'})", control);
                assertThat(control.isDisplayed()).as("%s at %s", control.getText(), size).isTrue();
                Long right = (Long) console.script("return Math.ceil(arguments[0].getBoundingClientRect().right)", control);
                assertThat(right).as("%s inside the window at %s", control.getText(), size)
                        .isLessThanOrEqualTo((Long) console.script("return document.documentElement.clientWidth"));
            }
        }
    }

    @Test
    void everyPageFitsALaptopAndAPhoneWithoutScrollingSideways() {
        for (Dimension size : List.of(Browser.LAPTOP, Browser.PHONE)) {
            browser.driver().manage().window().setSize(size);
            console.signIn(server.adminToken);
            for (String page : List.of("#/changes", "#/users", "#/users/" + userId + "/versions/1", "#/rollback", "#/backups",
                    "#/tokens")) {
                console.go(page);
                assertFitsSideways(page + " at " + size);
            }
            console.go("#/users");
            console.type(By.id("find-query"), "Bob");
            console.click(By.cssSelector("#find button[type=submit]"));
            console.waitFor(By.cssSelector("#name-matches li"));
            assertFitsSideways("names found at " + size);
            console.go("#/rollback");
            console.click(By.xpath("//button[normalize-space()='Last day']"));
            console.click(By.cssSelector("#rollback button[type=submit]"));
            console.waitFor(By.cssSelector("[data-preview=ready]"));
            assertFitsSideways("a rollback preview at " + size);
            console.go("#/tokens");
            console.type(By.id("token-name"), "layout-" + UUID.randomUUID().toString().substring(0, 8));
            console.click(By.cssSelector("#create-token button[type=submit]"));
            console.waitFor(By.id("new-secret"));
            assertFitsSideways("a new token's secret at " + size);
        }
    }

    /** No sideways scrolling, and every visible control inside the window. */
    private void assertFitsSideways(String where) {
        assertThat((Long) console.script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))
                .as("content wider than the window: %s", where).isLessThanOrEqualTo(0L);
        @SuppressWarnings("unchecked")
        List<String> outside = (List<String>) console.script("""
                const width = document.documentElement.clientWidth;
                return [...document.querySelectorAll('a:not(.skip), button, input, select')]
                  .filter(c => c.offsetParent !== null)
                  .filter(c => c.getBoundingClientRect().right > width + 0.5 || c.getBoundingClientRect().left < -0.5)
                  .map(c => c.outerHTML.substring(0, 120))""");
        assertThat(outside).as("controls outside the window: %s", where).isEmpty();
    }

    @Test
    void signingInFindingAUserAndPreviewingAnUndoNeedOnlyTheKeyboard() {
        console.signOutAndOpen();
        tabUntil("token");
        keys(server.writeToken, Keys.ENTER);
        console.waitFor(By.cssSelector("[data-role]"));

        tabUntilText("Find a user");
        keys(Keys.ENTER);
        tabUntil("find-query");
        keys(Long.toString(userId), Keys.ENTER);
        console.waitFor(console.entry(2));

        tabUntilAttribute("data-action", "undo");
        keys(Keys.ENTER);
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        tabUntil("cancel");
        keys(Keys.ENTER);
        console.waitUntilGone(By.cssSelector("[data-preview]"));
    }

    @Test
    void theSkipLinkMovesTheFocusToTheContentAndStaysOnThePage() {
        console.signIn(server.readToken).go("#/users/" + userId);
        console.waitFor(console.entry(2));
        String page = browser.driver().getCurrentUrl();
        tabUntilMatch("document.activeElement && document.activeElement.classList.contains(arguments[0])", "skip", "the skip link");
        keys(Keys.ENTER);

        assertThat(browser.driver().getCurrentUrl()).isEqualTo(page);
        assertThat(console.find(By.cssSelector("main h1")).getText()).isEqualTo("Bob");
        assertThat(console.script("return document.getElementById('main').contains(document.activeElement)")).isEqualTo(true);
        keys(Keys.TAB);
        assertThat(console.script("return document.getElementById('main').contains(document.activeElement)"))
                .as("the next Tab stays in the content, past the navigation").isEqualTo(true);
    }

    @Test
    void everyControlHasALabel() {
        console.signIn(server.adminToken);
        for (String page : List.of("#/changes", "#/users", "#/users/" + userId, "#/users/" + userId + "/versions/1",
                "#/rollback", "#/backups", "#/tokens")) {
            console.go(page);
            console.waitFor(By.cssSelector("main h1"));
            @SuppressWarnings("unchecked")
            List<String> unlabelled = (List<String>) console.script("""
                    return [...document.querySelectorAll('input, select, textarea, button, a')]
                      .filter(c => c.offsetParent !== null)
                      .filter(c => !((c.labels && c.labels.length) || c.getAttribute('aria-label') || c.textContent.trim()))
                      .map(c => c.outerHTML)""");
            assertThat(unlabelled).as("controls without a name on %s", page).isEmpty();
        }
    }

    /** Presses Tab (at most 200 times) until the element with this id has the focus. */
    private void tabUntil(String id) {
        tabUntilMatch("document.activeElement && document.activeElement.id === arguments[0]", id, "#" + id);
    }

    private void tabUntilText(String text) {
        tabUntilMatch("document.activeElement && document.activeElement.textContent.trim() === arguments[0]", text, text);
    }

    private void tabUntilAttribute(String name, String value) {
        tabUntilMatch("document.activeElement && document.activeElement.getAttribute('" + name + "') === arguments[0]",
                value, "[" + name + "=" + value + "]");
    }

    private void tabUntilMatch(String condition, String argument, String what) {
        for (int i = 0; i < 200; i++) {
            if (Boolean.TRUE.equals(console.script("return " + condition, argument))) {
                return;
            }
            keys(Keys.TAB);
        }
        throw new AssertionError(what + " cannot be reached with the Tab key");
    }

    private void keys(CharSequence... keys) {
        new Actions(browser.driver()).sendKeys(keys).perform();
    }
}
