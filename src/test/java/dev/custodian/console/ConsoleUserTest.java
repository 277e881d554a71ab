package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/** A user in the console: found, read as a tree, its history read as diffs, one change undone with a preview. */
class ConsoleUserTest {
    @RegisterExtension
    static final Browser browser = new Browser();
    /** The screenshot README shows, taken on every run; docs/console-user-history.png is a copy of one. */
    static final Path HISTORY_SCREENSHOT = Path.of("target", "console-screenshots", "user-history.png");

    private final TestServer server = TestServer.shared();
    private final Console console = browser.console(server);

    @Test
    void findsAUserByIdAndByEmail() {
        String email = TestUsers.uniqueEmail();
        long id = TestUsers.create(server, """
                {"name": "Ada Finder", "email": "%s", "data": {"country": "GB", "languages": ["en", "fr"]}}""".formatted(email));
        console.signIn(server.readToken).go("#/users");

        console.type(By.id("find-query"), Long.toString(id));
        console.click(By.cssSelector("#find button[type=submit]"));
        console.waitForText(By.id("user-name"), "Ada Finder");
        assertThat(console.find(By.cssSelector("[data-field=email]")).getText()).isEqualTo(email);
        assertThat(console.find(By.cssSelector(".tree")).getText()).contains("country", "\"GB\"", "languages", "\"fr\"");

        console.go("#/users");
        console.type(By.id("find-query"), email.toUpperCase());
        console.click(By.cssSelector("#find button[type=submit]"));
        console.waitForText(By.cssSelector("[data-field=id]"), Long.toString(id));
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/users/" + id);
    }

    @Test
    void findsUsersByAPartOfTheNameAPageAtATime() {
        String tag = "Qv" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        List<Long> matching = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            matching.add(TestUsers.create(server, "{\"name\": \"Ada " + tag + " " + i + "\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}"));
        }
        TestUsers.create(server, "{\"name\": \"Ada Someone\", \"email\": \"" + TestUsers.uniqueEmail() + "\"}");
        console.signIn(server.readToken).go("#/users");

        console.type(By.id("find-query"), tag.substring(1, 7).toUpperCase());
        console.click(By.cssSelector("#find button[type=submit]"));
        console.waitFor(By.cssSelector("#name-matches li"));
        assertThat(matches()).as("the first page").containsExactlyElementsOf(matching.subList(0, 20));
        console.click(By.id("more-matches"));
        console.waitForText(By.id("find-outcome"), "That is every match.");
        assertThat(matches()).containsExactlyElementsOf(matching);

        console.click(By.cssSelector("#name-matches li[data-user='" + matching.get(20) + "'] a"));
        console.waitForText(By.id("user-name"), "Ada " + tag + " 20");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/users/" + matching.get(20));
    }

    @Test
    void aPartOfANameThatNoUserHasIsSaidSo() {
        console.signIn(server.readToken).go("#/users");
        console.type(By.id("find-query"), "Nobody " + UUID.randomUUID());
        console.click(By.cssSelector("#find button[type=submit]"));
        console.waitForText(By.id("find-outcome"), "No user’s name contains “Nobody");
        assertThat(console.all(By.cssSelector("#name-matches li"))).isEmpty();
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/users");
    }

    @Test
    void anUnknownEmailIsSaidSoAndOpensNothing() {
        console.signIn(server.readToken).go("#/users");
        console.type(By.id("find-query"), TestUsers.uniqueEmail());
        console.click(By.cssSelector("#find button[type=submit]"));
        console.waitForText(By.id("find-outcome"), "No user with the email");
        assertThat(browser.driver().getCurrentUrl()).endsWith("#/users");
    }

    @Test
    void aChangeMadeWithRawSqlAppearsInTheTimelineAsSqlWithItsDiff() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550123\"}}").status()).isEqualTo(200);
        RawSql.replaceData(server.dataSource(), id, "{\"phone\": \"+14155550199\"}");

        console.signIn(server.readToken).go("#/users/" + id);
        WebElement sql = console.waitFor(console.entry(3));
        assertThat(sql.getAttribute("data-source")).isEqualTo("sql");
        assertThat(sql.findElement(By.cssSelector(".badge-sql")).getText()).isEqualTo("⚠ sql");
        assertThat(sql.findElement(By.cssSelector(".entry-actor")).getText()).isEqualTo(RawSql.actor(server.dataSource()));
        assertThat(lines(sql)).containsExactlyInAnyOrder(
                "removed /data/address \"2 High St\"",
                "removed /data/country \"US\"",
                "removed /data/postalCode \"94103\"",
                "changed /data/phone \"+14155550123\" → \"+14155550199\"");
        assertThat(sql.findElements(By.cssSelector(".diff-removed .diff-symbol"))).extracting(WebElement::getText).containsOnly("−");
        assertThat(sql.findElement(By.cssSelector(".diff-changed .diff-symbol")).getText()).isEqualTo("~");

        WebElement api = console.find(console.entry(2));
        assertThat(api.getAttribute("data-source")).isEqualTo("api");
        assertThat(lines(api)).containsExactly("changed /data/phone \"+14155550000\" → \"+14155550123\"");
        assertThat(console.all(By.cssSelector("[data-action=undo], [data-action=revert]")))
                .as("a read token is offered no undo").isEmpty();
    }

    @Test
    void anErasedUserIsSaidToBeErasedAndNoEntryOffersUndoRevertOrAVersion() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550123\"}}").status()).isEqualTo(200);
        var erase = server.request("POST", "/admin/users/" + id + "/erase").token(server.adminToken)
                .json("{\"reason\": \"ticket 4711\"}").send();
        assertThat(erase.status()).as(erase.body()).isEqualTo(200);

        console.signIn(server.writeToken).go("#/users/" + id);
        console.waitForText(By.id("erased"), "User " + id + " was erased at ");
        WebElement erasure = console.waitFor(console.entry(3));

        assertThat(erasure.getText()).contains("erase");
        assertThat(console.all(By.cssSelector("#timeline li.entry"))).hasSize(3);
        assertThat(console.all(By.cssSelector("[data-action=undo], [data-action=revert], [data-action=open]")))
                .as("an erased user is offered no way back").isEmpty();
        assertThat(console.find(By.id("user-summary")).getText()).doesNotContain("+14155550123");
    }

    @Test
    void recentChangesShowDiffsWithSymbolsAndColoursAndALegendForBoth() {
        String from = TestSql.value(server.dataSource(), "SELECT custodian_time(clock_timestamp())").toString();
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"nickname\": \"Bobby\"}}").status()).isEqualTo(200);
        RawSql.replaceData(server.dataSource(), id, "{\"phone\": \"+14155550199\", \"nickname\": \"Bobby\"}");

        console.signIn(server.readToken).go("#/changes");
        console.type(By.id("changes-from"), from);
        console.click(By.cssSelector("#changes-filter button[type=submit]"));
        console.waitFor(By.cssSelector("#changes li.entry[data-user='" + id + "'][data-version='3']"));

        assertThat(console.find(By.cssSelector("main .legend")).getText()).isEqualTo("+ added · − removed · ~ changed (old → new)");
        Map<String, String> colours = new java.util.HashMap<>();
        for (String kind : List.of("added", "removed", "changed")) {
            WebElement line = console.find(By.cssSelector("#changes .diff-" + kind));
            assertThat(line.findElement(By.cssSelector(".diff-symbol")).getText()).isEqualTo(Map.of("added", "+", "removed", "−", "changed", "~").get(kind));
            assertThat(line.findElement(By.cssSelector(".visually-hidden")).getAttribute("textContent")).isEqualTo(kind + " ");
            colours.put(kind, line.getCssValue("color"));
            assertThat(console.find(By.cssSelector("main .legend .diff-" + kind + "-legend")).getCssValue("color"))
                    .as("the legend's colour for %s", kind).isEqualTo(line.getCssValue("color"));
        }
        assertThat(colours.values()).as("a colour per kind").doesNotHaveDuplicates();
    }

    @Test
    void undoingTheRawSqlChangeWithAPreviewBringsTheRowBackAndRecordsTheRevert() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"nickname\": \"Bobby\"}}").status()).isEqualTo(200);
        JsonNode before = TestSql.user(server.dataSource(), id);
        RawSql.replaceData(server.dataSource(), id, "{\"phone\": \"+14155550199\"}");
        JsonNode damaged = TestSql.user(server.dataSource(), id);

        console.signIn(server.writeToken).go("#/users/" + id);
        console.waitFor(console.entry(3));
        console.script("document.getElementById('history-title').scrollIntoView()");
        browser.screenshot(HISTORY_SCREENSHOT);
        console.click(By.cssSelector("#timeline li.entry[data-version='3'] [data-action=undo]"));

        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(lines(console.find(By.id("preview")))).containsExactlyInAnyOrder(
                "added /data/address \"2 High St\"",
                "added /data/country \"US\"",
                "added /data/postalCode \"94103\"",
                "added /data/nickname \"Bobby\"",
                "changed /data/phone \"+14155550199\" → \"+14155550000\"");
        assertThat(TestSql.user(server.dataSource(), id)).as("a preview changes nothing").isEqualTo(damaged);

        console.click(By.id("confirm"));
        console.waitFor(By.cssSelector("[data-result=done]"));
        assertThat(console.find(By.cssSelector("[data-new-version]")).getText()).isEqualTo("4");
        JsonNode after = TestSql.user(server.dataSource(), id);
        assertThat(after.get("data")).isEqualTo(before.get("data"));
        assertThat(after.get("version").asLong()).isEqualTo(4);
        var revert = TestSql.rows(server.dataSource(),
                "SELECT op, source, actor FROM user_changes WHERE user_id = ? AND version = 4", id);
        assertThat(revert).containsExactly(Map.of("op", "revert", "source", "api", "actor", actorOf(server.writeToken)));
        console.waitFor(console.entry(4));
        assertThat(console.find(console.entry(4)).getAttribute("data-op")).isEqualTo("revert");
    }

    @Test
    void anUndoThatALaterChangeConflictsWithIsRefusedInThePreviewAndChangesNothing() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550123\"}}").status()).isEqualTo(200);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550124\"}}").status()).isEqualTo(200);
        JsonNode now = TestSql.user(server.dataSource(), id);

        console.signIn(server.writeToken).go("#/users/" + id);
        console.click(By.cssSelector("#timeline li.entry[data-version='2'] [data-action=undo]"));

        console.waitFor(By.cssSelector("[data-preview=refused]"));
        WebElement problem = console.find(By.cssSelector("#preview .problem"));
        assertThat(problem.getAttribute("data-status")).isEqualTo("409");
        assertThat(problem.getText()).contains("/data/phone", "version 3");
        assertThat(console.all(By.id("confirm"))).isEmpty();
        assertThat(TestSql.user(server.dataSource(), id)).isEqualTo(now);
    }

    @Test
    void revertingToAVersionOpensItFirstAndThenMakesItCurrent() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"name\": \"Robert\", \"data\": {\"country\": \"GB\"}}").status()).isEqualTo(200);

        console.signIn(server.writeToken).go("#/users/" + id + "/versions/1");
        assertThat(console.find(By.id("user-name")).getText()).isEqualTo("Bob");
        assertThat(console.find(By.cssSelector(".tree")).getText()).contains("country", "\"US\"");
        console.click(By.cssSelector("[data-action=revert]"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(lines(console.find(By.id("preview")))).containsExactlyInAnyOrder(
                "changed /name \"Robert\" → \"Bob\"", "changed /data/country \"GB\" → \"US\"");
        console.click(By.id("confirm"));
        console.waitFor(By.cssSelector("[data-result=done]"));

        JsonNode after = TestSql.user(server.dataSource(), id);
        assertThat(after.get("name").asText()).isEqualTo("Bob");
        assertThat(after.at("/data/country").asText()).isEqualTo("US");
        assertThat(after.get("version").asLong()).isEqualTo(3);
    }

    @Test
    void comparingTwoVersionsShowsWhatChangedBetweenThem() {
        long id = TestUsers.createIncidentUser(server);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"phone\": \"+14155550123\", \"nickname\": \"B\"}}").status()).isEqualTo(200);
        assertThat(server.mergePatch("/users/" + id, "{\"data\": {\"address\": null}}").status()).isEqualTo(200);

        console.signIn(server.readToken).go("#/users/" + id);
        console.type(By.id("compare-from"), "1");
        console.type(By.id("compare-to"), "3");
        console.click(By.cssSelector("#compare button[type=submit]"));
        console.waitForText(By.id("compare-outcome"), "From version 1 to version 3");
        assertThat(lines(console.find(By.id("compare-outcome")))).containsExactlyInAnyOrder(
                "changed /data/phone \"+14155550000\" → \"+14155550123\"",
                "removed /data/address \"2 High St\"",
                "added /data/nickname \"B\"");
    }

    @Test
    void aNameThatIsMarkupIsShownAsText() {
        String name = "<img src=x onerror=alert(1)>";
        long id = TestUsers.create(server, """
                {"name": "%s", "email": "%s", "data": {"note": "<script>alert(2)</script>"}}"""
                .formatted(name, TestUsers.uniqueEmail()));

        console.signIn(server.readToken).go("#/users/" + id);
        console.waitForText(By.id("user-name"), name);
        assertThat(console.find(By.id("user-name")).getText()).isEqualTo(name);
        assertThat(console.find(By.cssSelector(".tree")).getText()).contains("\"<script>alert(2)</script>\"");
        assertThat(lines(console.find(console.entry(1)))).singleElement().asString().contains(name);
        assertThat(console.all(By.cssSelector("main img, main script"))).isEmpty();
        assertThat(noAlert()).isTrue();
    }

    private List<Long> matches() {
        return console.all(By.cssSelector("#name-matches li")).stream().map(li -> Long.parseLong(li.getAttribute("data-user"))).toList();
    }

    private boolean noAlert() {
        try {
            browser.driver().switchTo().alert();
            return false;
        } catch (NoAlertPresentException expected) {
            return true;
        }
    }

    /** The lines of the diffs inside an element, as a person (or a screen reader) reads them. */
    static List<String> lines(WebElement container) {
        return container.findElements(By.cssSelector(".diff-line")).stream()
                .map(line -> withoutSymbol(line).replaceAll("\\s+", " ").trim())
                .toList();
    }

    /** A line's text after its symbol (+, −, ~), which the visually hidden word repeats for screen readers. */
    private static String withoutSymbol(WebElement line) {
        String symbol = line.findElement(By.cssSelector(".diff-symbol")).getAttribute("textContent");
        return line.getAttribute("textContent").substring(symbol.length());
    }

    private String actorOf(String token) {
        return "token:" + TestSql.value(server.dataSource(),
                "SELECT name FROM api_tokens WHERE token_sha256 = encode(sha256(convert_to(?, 'UTF8')), 'hex')", token);
    }
}
