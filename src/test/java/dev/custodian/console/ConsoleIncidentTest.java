package dev.custodian.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.custodian.testing.ServerOnOwnDatabase;
import dev.custodian.testing.TestServer;
import dev.custodian.testing.TestSql;
import dev.custodian.testing.TestUsers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * An incident in the console: a burst of raw SQL seen in the recent changes, and rolled back
 * across users, keeping every good write, then the rollback itself undone. On its own
 * database, since these pages select changes of all users by time.
 */
class ConsoleIncidentTest {
    @RegisterExtension
    static final Browser browser = new Browser();

    @RegisterExtension
    static final ServerOnOwnDatabase own = new ServerOnOwnDatabase();

    private final TestServer server = own.server();
    private final Console console = browser.console(server);

    @Test
    void aBurstOfRawSqlStandsOutInTheRecentChanges() {
        List<Long> ids = incidentUsers(5);
        String from = now();
        renameByScript(ids);
        assertThat(server.mergePatch("/users/" + ids.get(0), "{\"data\": {\"nickname\": \"kept\"}}").status()).isEqualTo(200);

        console.signIn(server.adminToken).go("#/changes");
        console.type(By.id("changes-from"), from);
        console.click(By.cssSelector("#changes-filter button[type=submit]"));
        console.waitForText(By.id("changes-summary"), "of the 6 changes shown");
        assertThat(console.find(By.id("sql-burst")).getText())
                .startsWith("⚠ 5 of the 6 changes shown were made directly in the database (source sql)")
                .contains(RawSql.actor(server.dataSource()) + " × 5");
        List<WebElement> entries = console.all(By.cssSelector("#changes li.entry"));
        assertThat(entries).extracting(e -> e.getAttribute("data-source")).containsExactly("api", "sql", "sql", "sql", "sql", "sql");
        assertThat(entries.get(1).findElement(By.cssSelector(".entry-user")).getText()).isEqualTo("User " + ids.get(4));
        assertThat(ConsoleUserTest.lines(entries.get(1))).containsExactly("changed /name \"Bob\" → \"Renamed by a script\"");

        console.select(By.id("changes-source"), "api");
        console.click(By.cssSelector("#changes-filter button[type=submit]"));
        console.waitForText(By.id("changes-summary"), "1 change shown, all through the API");

        console.select(By.id("changes-source"), "sql");
        console.click(By.id("to-rollback"));
        console.waitFor(By.id("rollback"));
        assertThat(console.find(By.id("rollback-from")).getAttribute("value")).isEqualTo(from);
        assertThat(console.find(By.id("rollback-source")).getAttribute("value")).isEqualTo("sql");
    }

    @Test
    void aBurstOfRawSqlOlderThanTheFirstPageStillStandsOut() {
        List<Long> ids = incidentUsers(3);
        String from = now();
        renameByScript(ids);
        for (int i = 0; i < 50; i++) {
            assertThat(server.mergePatch("/users/" + ids.get(i % 3), "{\"data\": {\"visits\": " + i + "}}").status()).isEqualTo(200);
        }

        console.signIn(server.adminToken).go("#/changes");
        console.type(By.id("changes-from"), from);
        console.click(By.cssSelector("#changes-filter button[type=submit]"));
        console.waitForText(By.id("changes-summary"), "0 of them among the 50 changes shown");
        assertThat(console.all(By.cssSelector("#changes li.entry"))).extracting(e -> e.getAttribute("data-source"))
                .hasSize(50).containsOnly("api");
        assertThat(console.find(By.id("sql-burst")).getText())
                .startsWith("⚠ 3 changes matching these filters were made directly in the database (source sql)")
                .contains(RawSql.actor(server.dataSource()) + " × 3");

        console.click(By.id("show-sql"));
        console.waitForText(By.id("changes-summary"), "3 of the 3 changes shown were made directly in the database");
        assertThat(console.all(By.cssSelector("#changes li.entry"))).extracting(e -> e.getAttribute("data-user"))
                .containsExactlyInAnyOrderElementsOf(ids.stream().map(String::valueOf).toList());
        assertThat(console.find(By.id("changes-source")).getAttribute("value")).isEqualTo("sql");
        assertThat(console.all(By.id("show-sql"))).isEmpty();
    }

    @Test
    void rollingBackAWindowUndoesTheDamageKeepsTheGoodWritesAndCanItselfBeUndone() {
        long victim = TestUsers.createIncidentUser(server);
        long alsoHit = TestUsers.createIncidentUser(server);
        long bystander = TestUsers.createIncidentUser(server);
        JsonNode victimBefore = TestSql.user(server.dataSource(), victim);
        String from = now();
        RawSql.replaceData(server.dataSource(), victim, "{\"phone\": \"+14155550101\"}");
        RawSql.replaceData(server.dataSource(), alsoHit, "{\"phone\": \"+14155550102\"}");
        // Good writes after the damage: one on a path the damage touched, one beside it, one elsewhere.
        assertThat(server.mergePatch("/users/" + alsoHit, "{\"data\": {\"phone\": \"+14155550777\", \"nickname\": \"Al\"}}").status()).isEqualTo(200);
        assertThat(server.mergePatch("/users/" + bystander, "{\"data\": {\"country\": \"GB\"}}").status()).isEqualTo(200);
        String to = now();
        JsonNode victimDamaged = TestSql.user(server.dataSource(), victim);
        JsonNode alsoHitNow = TestSql.user(server.dataSource(), alsoHit);
        JsonNode bystanderNow = TestSql.user(server.dataSource(), bystander);

        console.signIn(server.adminToken).go("#/rollback");
        console.type(By.id("rollback-from"), from);
        console.type(By.id("rollback-to"), to);
        console.select(By.id("rollback-source"), "sql");
        console.click(By.cssSelector("#rollback button[type=submit]"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(field("usersAffected")).isEqualTo("2");
        assertThat(field("changesUndone")).isEqualTo("2");
        assertThat(console.find(By.id("kept-writes")).getText())
                .isEqualTo("User " + alsoHit + " /data/phone as set by version 3");
        assertThat(console.all(By.cssSelector("#rollback-changes li.entry"))).extracting(e -> e.getAttribute("data-user"))
                .containsExactlyInAnyOrder(Long.toString(victim), Long.toString(alsoHit));
        assertThat(TestSql.user(server.dataSource(), victim)).as("a preview changes nothing").isEqualTo(victimDamaged);
        assertThat(TestSql.user(server.dataSource(), alsoHit)).isEqualTo(alsoHitNow);

        console.click(By.id("apply-rollback"));
        console.waitFor(By.cssSelector("[data-result=done]"));
        assertThat(field("changesUndone")).isEqualTo("2");
        JsonNode victimAfter = TestSql.user(server.dataSource(), victim);
        assertThat(victimAfter.get("data")).isEqualTo(victimBefore.get("data"));
        assertThat(victimAfter.get("version").asLong()).isEqualTo(3);
        JsonNode alsoHitAfter = TestSql.user(server.dataSource(), alsoHit);
        assertThat(alsoHitAfter.get("data")).isEqualTo(TestSql.parse("""
                {"phone": "+14155550777", "nickname": "Al", "address": "2 High St", "country": "US", "postalCode": "94103"}"""));
        assertThat(TestSql.user(server.dataSource(), bystander)).as("a write outside the filter").isEqualTo(bystanderNow);
        assertThat(TestSql.value(server.dataSource(), "SELECT op FROM user_changes WHERE user_id = ? AND version = 3", victim))
                .isEqualTo("rollback");

        console.click(By.id("undo-rollback"));
        console.waitFor(By.cssSelector("[data-preview=ready]"));
        assertThat(field("changesUndone")).isEqualTo("2");
        assertThat(console.all(By.id("window-mismatch"))).as("the window holds only the rollback's changes").isEmpty();
        console.click(By.id("apply-rollback"));
        console.waitFor(By.cssSelector("[data-result=done]"));
        assertThat(TestSql.user(server.dataSource(), victim).get("data")).isEqualTo(victimDamaged.get("data"));
        assertThat(TestSql.user(server.dataSource(), alsoHit).at("/data/phone").asText()).isEqualTo("+14155550777");
        assertThat(TestSql.user(server.dataSource(), bystander)).isEqualTo(bystanderNow);
    }

    private List<Long> incidentUsers(int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(TestUsers.createIncidentUser(server));
        }
        return ids;
    }

    /** One UPDATE in the database of every user named, declared to the bulk guard, as a script would. */
    private void renameByScript(List<Long> ids) {
        TestSql.execute(server.dataSource(), """
                UPDATE users SET name = 'Renamed by a script'
                  FROM (SELECT set_config('custodian.allow_rows', ?, true)) AS declared
                 WHERE id = ANY (?)""", Integer.toString(ids.size()), ids.toArray(Long[]::new));
    }

    private String field(String name) {
        return console.find(By.cssSelector("#rollback-report [data-field=" + name + "]")).getText();
    }

    /** The database's clock, as the API writes times: what a person copies from the history. */
    private String now() {
        return TestSql.value(server.dataSource(), "SELECT custodian_time(clock_timestamp())").toString();
    }
}
