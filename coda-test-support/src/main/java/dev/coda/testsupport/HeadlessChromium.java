package dev.coda.testsupport;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium and ChromeDriver ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}, which
 * {@code .ci/run} installs) driven by Selenium, which is given both, so Selenium Manager never downloads a browser. Any
 * host but 127.0.0.1 fails to resolve: the pages must work with no network at all. Skips the calling test when the
 * browser is missing, except under {@code CI=true}, where that fails.
 *
 * <pre>{@code
 * try (var chromium = HeadlessChromium.start(profile, Path.of("target", "chromedriver.log"), "1280,900")) {
 *     chromium.driver().get(app.baseUri().resolve("/docs").toString());
 *     assertThat(chromium.requestedUrls()).allMatch(url -> url.startsWith("http://127.0.0.1:"));
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriverService service, ChromeDriver driver) {
        this.service = service;
        this.driver = driver;
    }

    /**
     * Starts the browser with a fresh {@code profile} folder and a window of {@code windowSize} ({@code "1280,900"}),
     * ChromeDriver logging to {@code driverLog}; the performance log (requests) and the browser's console are recorded.
     */
    public static HeadlessChromium start(Path profile, Path driverLog, String windowSize) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw Requirement.missing("Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", "
                    + CHROMEDRIVER + ")", ".ci/run installs them: apt-get install chromium chromium-driver");
        }
        var service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(driverLog.toFile()).build();
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=" + windowSize, "--user-data-dir=" + profile.toAbsolutePath(),
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        var logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        try {
            return new HeadlessChromium(service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** The browser. */
    public ChromeDriver driver() {
        return driver;
    }

    /** A wait that looks every 50 ms, for 20 s at most. */
    public WebDriverWait waiting() {
        var wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.pollingEvery(Duration.ofMillis(50));
        return wait;
    }

    /**
     * The URLs the browser asked a host for (http, https, ws, wss) since the last call, from Chrome's performance log;
     * {@code data:}, {@code blob:} and the browser's own pages go to no host and are left out.
     */
    public List<String> requestedUrls() {
        var urls = new ArrayList<String>();
        for (var entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                var message = JSON.readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                    urls.add(message.path("params").path("request").path("url").asText());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return urls.stream().filter(u -> u.matches("(?i)(https?|wss?)://.*")).toList();
    }

    /** The browser console's messages since the last call (a blocked request's Content Security Policy report, say). */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(entry -> entry.getMessage()).toList();
    }

    /** Saves what the window shows as {@code file} (its folder created if missing). */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
        }
    }
}
