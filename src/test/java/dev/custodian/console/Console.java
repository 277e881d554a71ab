package dev.custodian.console;

import dev.custodian.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console as a person uses it, in a real browser: sign in, go to a page, fill a field,
 * press a button, and wait (with a deadline, never a sleep) for what the page shows next.
 */
final class Console {
    // Generous: the machine is shared with other builds; a wait ends as soon as its condition holds.
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final WebDriver driver;
    private final TestServer server;
    private final WebDriverWait wait;

    Console(WebDriver driver, TestServer server) {
        this.driver = driver;
        this.server = server;
        this.wait = new WebDriverWait(driver, PATIENCE);
    }

    /** Opens the console signed out (a fresh tab state), signs in with the token, and waits for its role to show. */
    Console signIn(String token) {
        signOutAndOpen();
        type(By.id("token"), token);
        find(By.id("token")).sendKeys(Keys.ENTER);
        waitFor(By.cssSelector("[data-role]"));
        return this;
    }

    /** The sign-in page with nothing remembered by the tab. */
    Console signOutAndOpen() {
        driver.get(server.baseUrl() + "/console/#/signin");
        script("sessionStorage.clear()");
        driver.navigate().refresh();
        waitFor(By.cssSelector("body[data-ready] #token"));
        return this;
    }

    /**
     * Loads a page of the console (a #fragment such as #/users/12) anew, as a bookmark does, and
     * waits until it has drawn its first heading. The tab keeps its token (sessionStorage).
     */
    Console go(String fragment) {
        // Leave first: a change of the fragment alone would leave the previous page's heading
        // in place until the new view draws, and the wait below could see that one.
        driver.get("about:blank");
        driver.get(server.baseUrl() + "/console/" + fragment);
        waitFor(By.cssSelector("body[data-ready] main h1"));
        return this;
    }

    WebElement find(By by) {
        return driver.findElement(by);
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    WebElement waitFor(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitForText(By by, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void waitUntilGone(By by) {
        wait.until(ExpectedConditions.invisibilityOfElementLocated(by));
    }

    void click(By by) {
        WebElement element = wait.until(ExpectedConditions.elementToBeClickable(by));
        script("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    void type(By by, String text) {
        WebElement input = waitFor(by);
        input.clear();
        input.sendKeys(text);
    }

    void select(By by, String value) {
        new org.openqa.selenium.support.ui.Select(waitFor(by)).selectByValue(value);
    }

    /** The entry of the timeline for a version (on a user's page). */
    By entry(long version) {
        return By.cssSelector("#timeline li.entry[data-version='" + version + "']");
    }

    Object script(String code, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(code, arguments);
    }
}
