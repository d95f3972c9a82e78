package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.testing.TestClient;
import dev.coda.testsupport.HeadlessChromium;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The items example's {@code /docs} and {@code /redoc} in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs): Swagger UI lists the operations and runs "Try it out"
 * against the app, ReDoc renders, and the browser asks no host but the app for anything; on docs/security.md's app,
 * "Authorize" logs in with the OAuth2 password flow and "Try it out" sends the token. Selenium is given the
 * system's browser and driver, so Selenium Manager never runs and nothing is downloaded (checked in its log).
 * Skipped with a message when the browser is missing, except under {@code CI=true}, where that fails.
 *
 * <p>What the pages show comes from the app's generated document: the operations listed, the {@code item_id} and
 * {@code q} fields of "Try it out" and ReDoc's summaries ("Read Item") need its paths; the pages, their assets, the
 * request made by "Execute" and the no-other-host check do not. Screenshots go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DocsBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    /** Selenium's own log of how it found the driver: Selenium Manager (which downloads) must never run. */
    private final List<String> driverLookup = new ArrayList<>();
    private final Handler driverLookupLog = new Handler() {
        @Override
        public void publish(LogRecord logRecord) {
            synchronized (driverLookup) {
                driverLookup.add(logRecord.getLoggerName() + ": " + logRecord.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Logger> driverLookupLoggers = List.of(Logger.getLogger("org.openqa.selenium.manager"),
            Logger.getLogger("org.openqa.selenium.remote.service.DriverFinder"));

    private TestClient app;
    private HeadlessChromium chromium;
    private ChromeDriver browser;

    @BeforeAll
    void start(@TempDir Path profile) {
        for (var logger : driverLookupLoggers) {
            logger.setLevel(Level.ALL);
            logger.addHandler(driverLookupLog);
        }
        app = TestClient.overNetwork(Items.app());
        chromium = HeadlessChromium.start(profile, Path.of("target", "chromedriver.log"), "1280,1500");
        browser = chromium.driver();
        synchronized (driverLookup) {
            assertThat(driverLookup).as("how Selenium found the driver").isNotEmpty()
                    .allMatch(line -> line.startsWith("org.openqa.selenium.remote.service.DriverFinder: Skipping Selenium Manager"));
        }
    }

    @AfterAll
    void stop() {
        for (var logger : driverLookupLoggers) {
            logger.removeHandler(driverLookupLog);
        }
        if (chromium != null) {
            chromium.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void swaggerUiListsTheOperationsAndTriesOneAgainstTheApp() {
        browser.get(url("/docs"));
        var wait = waiting();
        wait.withMessage("Swagger UI listed fewer than 3 operations; does /openapi.json have the paths?")
                .until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".opblock-summary-path"), 2));

        var operations = browser.findElements(By.cssSelector(".opblock-summary")).stream()
                .map(summary -> summary.findElement(By.cssSelector(".opblock-summary-method")).getText() + " "
                        + summary.findElement(By.cssSelector(".opblock-summary-path")).getAttribute("data-path"))
                .toList();
        screenshot("docs");
        assertThat(operations).containsExactlyInAnyOrder("GET /", "GET /items/{item_id}", "PUT /items/{item_id}");
        assertThat(browser.getTitle()).isEqualTo(title() + " - Swagger UI");

        var readItem = operation("opblock-get", "/items/{item_id}");
        readItem.findElement(By.cssSelector(".opblock-summary-control")).click();
        wait.until(d -> !readItem.findElements(By.cssSelector(".try-out__btn")).isEmpty());
        readItem.findElement(By.cssSelector(".try-out__btn")).click();
        var itemId = wait.until(d -> readItem.findElement(By.cssSelector("tr[data-param-name='item_id'] input")));
        itemId.sendKeys("5");
        readItem.findElement(By.cssSelector("tr[data-param-name='q'] input")).sendKeys("somequery");
        readItem.findElement(By.cssSelector("button.execute")).click();

        var status = wait.until(d -> readItem.findElement(By.cssSelector(".live-responses-table tr.response .response-col_status")));
        var body = wait.until(d -> readItem.findElement(By.cssSelector(".live-responses-table tr.response .response-col_description .highlight-code pre")));
        screenshot("docs-try-it-out");
        assertThat(status.getText()).isEqualTo("200");
        assertThat(body.getText()).contains("\"item_id\": 5", "\"q\": \"somequery\"");
        assertThat(readItem.findElement(By.cssSelector(".request-url pre")).getText()).isEqualTo(url("/items/5?q=somequery"));
        assertNoOtherHost();
    }

    @Test
    void authorizeLogsInWithThePasswordFlowAndTryItOutSendsTheToken() {
        var secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        var tokens = new dev.coda.examples.guide.Tokens(secret, Duration.ofMinutes(5), java.time.Clock.systemUTC());
        try (var secured = TestClient.overNetwork(dev.coda.examples.guide.CurrentUserApp.app(tokens))) {
            browser.get(secured.baseUri().resolve("/docs").toString());
            var wait = waiting();
            wait.withMessage("Swagger UI shows no Authorize button; does /openapi.json have securitySchemes?")
                    .until(ExpectedConditions.elementToBeClickable(By.cssSelector(".auth-wrapper .btn.authorize"))).click();
            wait.until(d -> d.findElement(By.cssSelector("#oauth_username"))).sendKeys("johndoe");
            browser.findElement(By.cssSelector("#oauth_password")).sendKeys("secret");
            for (var scope : browser.findElements(By.cssSelector(".scopes .checkbox label"))) {
                scope.click();
            }
            screenshot("docs-authorize");
            browser.findElement(By.cssSelector(".auth-btn-wrapper .btn.modal-btn.auth.authorize")).click();
            wait.withMessage("the password flow did not log in (POST /token)")
                    .until(d -> !d.findElements(By.cssSelector(".auth-btn-wrapper .btn.modal-btn.auth")).stream()
                            .filter(b -> b.getText().equals("Logout")).toList().isEmpty());
            browser.findElement(By.cssSelector(".auth-btn-wrapper .btn-done")).click();

            var me = operation("opblock-get", "/users/me/");
            me.findElement(By.cssSelector(".opblock-summary-control")).click();
            wait.until(d -> !me.findElements(By.cssSelector(".try-out__btn")).isEmpty());
            me.findElement(By.cssSelector(".try-out__btn")).click();
            wait.until(ExpectedConditions.elementToBeClickable(me.findElement(By.cssSelector("button.execute")))).click();
            var status = wait.until(d -> me.findElement(By.cssSelector(".live-responses-table tr.response .response-col_status")));
            var body = wait.until(d -> me.findElement(By.cssSelector(".live-responses-table tr.response .response-col_description .highlight-code pre")));
            screenshot("docs-authorized-try-it-out");
            assertThat(status.getText()).isEqualTo("200");
            assertThat(body.getText()).contains("\"username\": \"johndoe\"");
            assertNoOtherHost(secured.baseUri());
        }
    }

    @Test
    void redocRendersTheDocument() {
        browser.get(url("/redoc"));
        var wait = waiting();
        wait.withMessage("ReDoc showed no \"Read Item\"; does /openapi.json have the paths?")
                .until(d -> d.findElement(By.tagName("body")).getText().contains("Read Item"));

        var text = browser.findElement(By.tagName("body")).getText();
        screenshot("redoc");
        assertThat(browser.getTitle()).isEqualTo(title() + " - ReDoc");
        assertThat(text).contains(title(), "Read Root", "Read Item", "Update Item", "/items/{item_id}");
        assertNoOtherHost();
    }

    private WebDriverWait waiting() {
        return chromium.waiting();
    }

    /** The opblock of one operation, by its method's class ({@code opblock-get}) and its path. */
    private WebElement operation(String methodClass, String path) {
        return browser.findElements(By.cssSelector(".opblock." + methodClass)).stream()
                .filter(block -> path.equals(block.findElement(By.cssSelector(".opblock-summary-path")).getAttribute("data-path")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + methodClass + " " + path + " in " + browser.getPageSource().length()));
    }

    /** Every request the browser made since the last call, from Chrome's performance log, went to the app. */
    private void assertNoOtherHost() {
        assertNoOtherHost(app.baseUri());
    }

    /** Every request the browser made since the last call went to the app at {@code base}. */
    private void assertNoOtherHost(URI base) {
        var network = chromium.requestedUrls();
        assertThat(network).as("requests to a host").isNotEmpty();
        assertThat(network).allSatisfy(u -> {
            var uri = URI.create(u);
            assertThat(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()).as(u)
                    .isEqualTo("http://" + base.getHost() + ":" + base.getPort());
        });
    }

    private String title() {
        return ((Map<?, ?>) app.get("/openapi.json").json()).get("info") instanceof Map<?, ?> info ? (String) info.get("title") : "";
    }

    private String url(String path) {
        return app.baseUri().resolve(path).toString();
    }

    private void screenshot(String name) {
        chromium.screenshot(SCREENSHOTS.resolve(name + ".png"));
    }
}
