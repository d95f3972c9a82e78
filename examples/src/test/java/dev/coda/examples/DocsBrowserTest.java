package dev.coda.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
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

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final ObjectMapper MAPPER = new ObjectMapper();

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
    private ChromeDriverService service;
    private ChromeDriver browser;

    @BeforeAll
    void start(@TempDir Path profile) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            var message = "Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "); .ci/run installs them: apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        for (var logger : driverLookupLoggers) {
            logger.setLevel(Level.ALL);
            logger.addHandler(driverLookupLog);
        }
        Files.createDirectories(SCREENSHOTS);
        app = TestClient.overNetwork(Items.app());
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(Path.of("target", "chromedriver.log").toFile()).build();
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,1500", "--user-data-dir=" + profile.toAbsolutePath(),
                // any host but the app's address fails to resolve: the pages must work with no network at all
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        var logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(service, options);
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
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
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

    /** A wait that looks every 50 ms (Selenium's default is 500 ms), for 20 s at most. */
    private WebDriverWait waiting() {
        var wait = new WebDriverWait(browser, WAIT);
        wait.pollingEvery(Duration.ofMillis(50));
        return wait;
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
        var urls = new ArrayList<String>();
        for (var entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = json(entry.getMessage()).path("message");
            if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                urls.add(message.path("params").path("request").path("url").asText());
            }
        }
        // data:, blob: and the browser's own chrome:// pages go to no host
        var network = urls.stream().filter(u -> u.matches("(?i)(https?|wss?)://.*")).toList();
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
        try {
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve(name + ".png"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
