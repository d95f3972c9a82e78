package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskStatus;
import dev.coda.testing.TestClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, as the examples'
 * {@code DocsBrowserTest}): the overview follows new tasks live, a failed task is found, opened, retried and runs again,
 * read-only mode hides the actions and the server refuses them, and a {@code <script>} in a task stays text. The browser
 * resolves no host but the app's, and every request it makes goes to the app. Screenshots go to
 * {@code target/screenshots/}. Skipped with a message when the browser is missing, except under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PAYLOAD = "<script>alert('xss')</script><img src=x onerror=\"alert(1)\">";

    private ChromeDriverService service;
    private ChromeDriver browser;
    @TempDir
    Path folder;
    private TaskFixture tasks;
    private TestClient app;

    @BeforeAll
    void startBrowser(@TempDir Path profile) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            var message = "Debian's chromium and chromium-driver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
                    + "); .ci/run installs them: apt-get install chromium chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        Files.createDirectories(SCREENSHOTS);
        service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogFile(Path.of("target", "chromedriver-dashboard.log").toFile()).build();
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath(),
                // any host but the app's address fails to resolve: the pages must work with no network at all
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        var logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @BeforeEach
    void openEngine() {
        tasks = new TaskFixture(folder);
    }

    @AfterEach
    void closeApp() {
        if (app != null) {
            app.close();
            app = null;
        }
        tasks.close();
    }

    private void serve(TaskDashboard.Builder dashboard) {
        browser.get("about:blank");                 // an earlier test's page (and its event source) gone, its requests forgotten
        browser.manage().logs().get(LogType.PERFORMANCE);
        browser.manage().logs().get(LogType.BROWSER);
        app = TestClient.overNetwork(Pages.mounted(dashboard.liveInterval(Duration.ofMillis(100)).build()));
    }

    @Test
    void theOverviewCountsTasksAsTheyArriveWithoutReloading() {
        serve(TaskDashboard.builder(tasks.engine));
        browser.get(url("/dashboard/"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("[data-total=queued]"), "0"));
        browser.executeScript("window.sameDocument = true");

        for (int i = 0; i < 3; i++) {
            tasks.queued("Mailer.send", "mail", "[" + i + "]");
        }
        tasks.failed("Reports.render", "reports", "[]", "boom");

        waiting().withMessage("the overview did not show the 3 new queued tasks").until(
                ExpectedConditions.textToBe(By.cssSelector("tr[data-queue=mail] td[data-state=queued]"), "3"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("[data-total=failed]"), "1"));
        assertThat(browser.executeScript("return window.sameDocument")).as("updated in place, not reloaded").isEqualTo(true);
        assertThat(browser.findElement(By.cssSelector("[data-total=queued]")).getText()).isEqualTo("3");
        assertThat(browser.findElements(By.cssSelector("tr[data-queue=reports] svg.states rect.failed"))).hasSize(1);
        assertNoOtherHost();
    }

    @Test
    void aFailedTaskIsFoundBySearchOpenedRetriedAndRunsAgain() {
        tasks.succeeded("Mailer.send", "mail", "[\"ok@example.com\"]", "null");
        tasks.failed("Reports.render", "default", "[2026]", "java.lang.IllegalStateException: no data");
        var failed = tasks.failed("Mailer.send", "mail", "[\"ada@example.com\"]",
                "java.io.IOException: connection refused\n\tat Mailer.send(Mailer.java:42)");
        serve(TaskDashboard.builder(tasks.engine));

        browser.get(url("/dashboard/tasks"));
        new Select(browser.findElement(By.name("state"))).selectByVisibleText("failed");
        browser.findElement(By.name("name")).sendKeys("Mailer.send");
        browser.findElement(By.cssSelector("form.search button")).click();
        waiting().until(ExpectedConditions.urlContains("state=failed"));
        var found = browser.findElements(By.cssSelector("a.id"));
        assertThat(found).extracting(e -> e.getText()).containsExactly(failed);

        found.getFirst().click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("pre.error"), "connection refused"));
        browser.findElement(By.cssSelector("button.retry")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();       // "Retry this task?"
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice.ok"), "Retried"));

        assertThat(browser.findElement(By.cssSelector(".task-head .badge")).getText()).isEqualTo("queued");
        tasks.succeed(failed, "mail", "\"sent\"");                              // a worker runs it again
        browser.navigate().refresh();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector(".task-head .badge"), "succeeded"));
        assertThat(browser.findElement(By.cssSelector("pre.result")).getText()).isEqualTo("\"sent\"");
        assertNoOtherHost();
    }

    @Test
    void aReadOnlyDashboardShowsNoActionAndRefusesOneSentAnyway() {
        var failed = tasks.failed("Mailer.send", "mail", "[]", "boom");
        serve(TaskDashboard.builder(tasks.engine).readOnly(true));

        browser.get(url("/dashboard/tasks/" + failed));
        assertThat(browser.findElements(By.cssSelector("form.action, button.retry, button.cancel"))).isEmpty();
        // what a visitor could still send: a form of their own, posted from the page
        browser.executeScript("""
                const form = document.createElement("form");
                form.method = "post";
                form.action = arguments[0];
                document.body.append(form);
                form.submit();""", url("/dashboard/tasks/" + failed + "/retry"));

        waiting().until(ExpectedConditions.titleContains("Error 403"));
        assertThat(browser.findElement(By.cssSelector(".notice.problem")).getText()).contains("read-only");
        assertThat(tasks.engine.status(failed).map(TaskStatus::state)).hasValue(DurableState.FAILED);
    }

    @Test
    void aScriptInATasksArgumentsAndErrorStaysText() {
        var json = "[\"" + PAYLOAD.replace("\"", "\\\"") + "\"]";
        var id = tasks.failed(PAYLOAD, PAYLOAD, json, "java.lang.RuntimeException: " + PAYLOAD);
        serve(TaskDashboard.builder(tasks.engine));

        for (var path : new String[] {"/dashboard/", "/dashboard/tasks?state=failed", "/dashboard/tasks/" + id}) {
            browser.get(url(path));
            waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("main h1")));
            assertNoAlert(path);
            assertThat(browser.findElements(By.tagName("img"))).as(path + ": no injected element").isEmpty();
            assertThat(browser.findElements(By.tagName("script"))).as(path + ": only the dashboard's script").hasSize(1);
        }
        assertThat(browser.findElement(By.cssSelector("pre.error")).getText()).isEqualTo("java.lang.RuntimeException: " + PAYLOAD);
        assertThat(browser.findElement(By.cssSelector("pre.arguments")).getText()).contains(PAYLOAD.replace("\"", "\\\""));
        assertThat(browser.findElement(By.cssSelector(".task-head .name")).getText()).isEqualTo(PAYLOAD);
        screenshot("xss");
    }

    @Test
    void screenshotsOfEachPage() {
        tasks.engine.register(new dev.coda.durable.spi.WorkerInfo("build-02:7731:a41f", "build-02", 7731, null, null,
                java.util.List.of("reports"), 4));
        for (int i = 0; i < 12; i++) {
            tasks.succeeded("Mailer.send", "mail", "[\"user" + i + "@example.com\"]", "null");
        }
        for (int i = 0; i < 5; i++) {
            tasks.queued("Mailer.send", "mail", "[\"later" + i + "@example.com\"]");
            tasks.succeeded("FileJobs.process", "default", "[\"upload-" + i + ".csv\"]", "{\"rows\":" + (i * 100) + "}");
        }
        tasks.scheduled("Reports.daily", "reports");
        tasks.queued("Reports.render", "reports", "[2026, 12]");
        tasks.failed("FileJobs.process", "default", "[\"upload-9.csv\"]",
                "java.io.UncheckedIOException: upload-9.csv: no such file\n\tat dev.example.FileJobs.process(FileJobs.java:31)");
        var failed = tasks.failed("Mailer.send", "mail", "[\"ada@example.com\", {\"template\": \"welcome\", \"retries\": 3}]",
                "java.io.IOException: connection refused: smtp.internal:25\n\tat dev.example.Mailer.send(Mailer.java:42)\n"
                        + "\tat dev.coda.durable.internal.TaskExecution.run(TaskExecution.java:88)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)");
        var cancelled = tasks.queued("Reports.render", "reports", "[2025, 1]");
        tasks.engine.cancel(cancelled);
        var runtime = dev.coda.tasks.TaskRuntime.create();
        var inProcess = runtime.newTasks("POST /reports", "req-7");
        inProcess.addTask(InProcessPageTest::refuse, "the thumbnail cache is full");
        runtime.dispatch(inProcess, false).toCompletableFuture().join();
        serve(TaskDashboard.builder(tasks.engine).inProcess(runtime));

        browser.get(url("/dashboard/"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("[data-total=failed]"), "2"));
        screenshot("overview");
        browser.get(url("/dashboard/tasks"));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("a.id"), 27));
        screenshot("list");
        browser.get(url("/dashboard/tasks/" + failed));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button.retry")));
        screenshot("task");
        browser.get(url("/dashboard/workers"));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table.workers tbody tr"), 2));
        screenshot("workers");
        browser.get(url("/dashboard/in-process"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#in-process-failed td.error"),
                "the thumbnail cache is full"));
        screenshot("in-process");
        runtime.close();
        assertNoOtherHost();
    }

    private void assertNoAlert(String path) {
        try {
            var alert = browser.switchTo().alert();
            throw new AssertionError(path + ": an alert opened: " + alert.getText());
        } catch (NoAlertPresentException expected) {
            // the payload ran nowhere
        }
    }

    /** A wait that looks every 50 ms, for 20 s at most. */
    private WebDriverWait waiting() {
        var wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        wait.pollingEvery(Duration.ofMillis(50));
        return wait;
    }

    /** Every request the browser made since the last call, from Chrome's performance log, went to the app. */
    private void assertNoOtherHost() {
        var base = app.baseUri();
        var urls = new ArrayList<String>();
        for (var entry : browser.manage().logs().get(LogType.PERFORMANCE)) {
            JsonNode message = json(entry.getMessage()).path("message");
            if (message.path("method").asText().equals("Network.requestWillBeSent")) {
                urls.add(message.path("params").path("request").path("url").asText());
            }
        }
        var network = urls.stream().filter(u -> u.matches("(?i)(https?|wss?)://.*")).toList();
        assertThat(network).as("requests to a host").isNotEmpty();
        assertThat(network).allSatisfy(u -> {
            var uri = URI.create(u);
            assertThat(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()).as(u)
                    .isEqualTo("http://" + base.getHost() + ":" + base.getPort());
        });
        var violations = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(e -> e.getMessage()).filter(m -> m.contains("Content Security Policy")).toList();
        assertThat(violations).as("what the page's policy blocked").isEmpty();
    }

    private String url(String path) {
        return app.baseUri().resolve(path).toString();
    }

    private void screenshot(String name) {
        try {
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), SCREENSHOTS.resolve("dashboard-" + name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
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
