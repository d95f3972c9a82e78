package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.RetryPolicy;
import dev.coda.durable.spi.DurationHistogram;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.TaskStatus;
import dev.coda.tasks.TaskCall;
import dev.coda.testing.TestClient;
import dev.coda.testsupport.HeadlessChromium;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.SplittableRandom;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, as the examples'
 * {@code DocsBrowserTest}): the overview follows new tasks live, its last hour's chart follows what a worker runs, a failed task is found (by its name, or by its error's
 * text with a real worker, whose cause goes away), opened, retried and runs again, a bulk retry shows its dry run's count
 * first, read-only mode hides the actions and the server refuses them, and a {@code <script>} in a task stays text. The browser
 * resolves no host but the app's, and every request it makes goes to the app. Screenshots go to
 * {@code target/screenshots/}. Skipped with a message when the browser is missing, except under {@code CI=true}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String PAYLOAD = "<script>alert('xss')</script><img src=x onerror=\"alert(1)\">";

    private HeadlessChromium chromium;
    private ChromeDriver browser;
    @TempDir
    Path folder;
    private TaskFixture tasks;
    private TestClient app;

    @BeforeAll
    void startBrowser(@TempDir Path profile) {
        chromium = HeadlessChromium.start(profile, Path.of("target", "chromedriver-dashboard.log"), "1280,900");
        browser = chromium.driver();
    }

    @AfterAll
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
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
        chromium.requestedUrls();
        chromium.consoleMessages();
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
    void theLastHoursChartIsDrawnAndFollowsTasksAWorkerFinishesWithoutReloading() {
        serve(TaskDashboard.builder(tasks.engine));
        browser.get(url("/dashboard/"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("#activity [data-sum=succeeded]"), "0"));
        assertThat(browser.findElements(By.cssSelector("#activity svg.chart.throughput"))).as("the frame is drawn").hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#activity svg.throughput rect"))).as("no bar yet").isEmpty();
        browser.executeScript("window.sameDocument = true");

        var durable = DurableTasks.on(tasks.engine).task(DashboardActivityTest.Work::steady).build();
        try (var worker = durable.worker().statsInterval(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(20)).start()) {
            for (int i = 0; i < 3; i++) {
                durable.enqueue(TaskCall.of(DashboardActivityTest.Work::steady, i));
            }
            waiting().withMessage("the chart did not count the 3 tasks the worker ran").until(
                    ExpectedConditions.textToBe(By.cssSelector("#activity [data-sum=succeeded]"), "3"));
        }
        assertThat(browser.executeScript("return window.sameDocument")).as("updated in place, not reloaded").isEqualTo(true);
        var bars = browser.findElements(By.cssSelector("#activity svg.throughput rect.succeeded"));
        assertThat(bars).as("a bar for the minute (or two) they finished in").hasSizeBetween(1, 2);
        assertThat(bars.getFirst().getRect().getHeight()).as("drawn with a height").isPositive();
        assertThat(browser.findElement(By.cssSelector("#activity tr[data-task$=steady] td[data-col=succeeded]")).getText()).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#activity tr[data-task$=steady] td[data-col=run-p50]")).getText()).endsWith(" ms");
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
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section.block > pre.error"), "connection refused"));
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
    void aFailedTaskIsFoundByItsErrorTextOpenedRetriedAndSucceedsOnceItsCauseHasGone() {
        var address = "ada-" + UUID.randomUUID() + "@example.com";
        Mailer.UNREACHABLE.add(address);
        var durable = DurableTasks.on(tasks.engine).task(Mailer::send).retry(RetryPolicy.none()).build();
        var worker = durable.worker().pollInterval(Duration.ofMillis(50)).start();
        try {
            tasks.failed("Reports.render", "reports", "[2026]", "java.lang.IllegalStateException: no data");
            var id = durable.enqueue(TaskCall.of(Mailer::send, address));
            waiting().withMessage("the task did not fail").until(d -> tasks.engine.status(id).orElseThrow().state() == DurableState.FAILED);
            serve(TaskDashboard.builder(tasks.engine));

            browser.get(url("/dashboard/tasks"));
            browser.findElement(By.name("error")).sendKeys("REFUSED THE CONNECTION");
            browser.findElement(By.cssSelector("form.search button")).click();
            waiting().until(ExpectedConditions.urlContains("error=REFUSED"));
            var found = browser.findElements(By.cssSelector("a.id"));
            assertThat(found).extracting(e -> e.getText()).containsExactly(id);
            screenshot("search");

            found.getFirst().click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("section.block > pre.error"), "smtp.internal:25 refused"));
            Mailer.UNREACHABLE.remove(address);                                    // the mail server is back
            browser.findElement(By.cssSelector("button.retry")).click();
            waiting().until(ExpectedConditions.alertIsPresent()).accept();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice.ok"), "Retried"));

            waiting().withMessage("the worker did not run the task again").until(d -> {
                d.navigate().refresh();
                return d.findElement(By.cssSelector(".task-head .badge")).getText().equals("succeeded");
            });
            assertThat(tasks.engine.status(id).orElseThrow().attempts()).as("one attempt since the retry").isEqualTo(1);
            assertNoOtherHost();
        } finally {
            worker.stop(Duration.ofSeconds(5));
            Mailer.UNREACHABLE.remove(address);
        }
    }

    @Test
    void aBulkRetryShowsItsDryRunCountAndRetriesOnConfirmation() {
        var refused = new ArrayList<String>();
        for (int i = 0; i < 3; i++) {
            refused.add(tasks.failed("Mailer.send", "mail", "[\"user" + i + "@example.com\"]", "java.io.IOException: connection refused"));
        }
        var other = tasks.failed("Mailer.send", "mail", "[\"x@example.com\"]", "java.lang.IllegalArgumentException: bad address");
        serve(TaskDashboard.builder(tasks.engine));

        browser.get(url("/dashboard/tasks?state=failed&error=refused"));
        assertThat(browser.findElements(By.cssSelector("a.id"))).hasSize(3);
        browser.findElement(By.cssSelector("nav.bulk a.bulk-retry")).click();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("p.dry-run"), "This will retry 3 tasks."));
        assertThat(browser.findElement(By.cssSelector("form.confirm button")).getText()).isEqualTo("Retry 3 tasks");
        assertThat(refused).allSatisfy(id -> assertThat(tasks.engine.status(id).orElseThrow().state()).isEqualTo(DurableState.FAILED));
        screenshot("bulk");

        browser.findElement(By.cssSelector("form.confirm button")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".notice.ok"), "Retried 3 tasks."));
        assertThat(refused).allSatisfy(id -> assertThat(tasks.engine.status(id).orElseThrow().state()).isEqualTo(DurableState.QUEUED));
        assertThat(tasks.engine.status(other).orElseThrow().state()).isEqualTo(DurableState.FAILED);
        assertNoOtherHost();
    }

    @Test
    void aReadOnlyDashboardShowsNoActionAndRefusesOneSentAnyway() {
        var failed = tasks.failed("Mailer.send", "mail", "[]", "boom");
        serve(TaskDashboard.builder(tasks.engine).readOnly(true));

        browser.get(url("/dashboard/tasks?state=failed"));
        assertThat(browser.findElements(By.cssSelector("a.id"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("nav.bulk, a[href*='/tasks/bulk']"))).as("no bulk action").isEmpty();
        browser.get(url("/dashboard/tasks/" + failed));
        assertThat(browser.findElements(By.cssSelector("form.action, button.retry, button.cancel, button.delete"))).isEmpty();
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
        assertThat(browser.findElement(By.cssSelector("section.block > pre.error")).getText()).isEqualTo("java.lang.RuntimeException: " + PAYLOAD);
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
        tasks.engine.claim(TaskFixture.WORKER, java.util.List.of("reports"), 1, Duration.ofMinutes(5)); // held: the workers page
        tasks.failed("FileJobs.process", "default", "[\"upload-9.csv\"]",
                "java.io.UncheckedIOException: upload-9.csv: no such file\n\tat dev.example.FileJobs.process(FileJobs.java:31)");
        var failed = tasks.failed("Mailer.send", "mail", "[\"ada@example.com\", {\"template\": \"welcome\", \"retries\": 3}]",
                "java.io.IOException: connection refused: smtp.internal:25\n\tat dev.example.Mailer.send(Mailer.java:42)\n"
                        + "\tat dev.coda.durable.internal.TaskExecution.run(TaskExecution.java:88)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)");
        var cancelled = tasks.queued("Reports.render", "reports", "[2025, 1]");
        tasks.engine.cancel(cancelled);
        anHourOfStats();
        var runtime = dev.coda.tasks.TaskRuntime.create();
        var inProcess = runtime.newTasks("POST /reports", "req-7");
        inProcess.addTask(InProcessPageTest::refuse, "the thumbnail cache is full");
        runtime.dispatch(inProcess, false).toCompletableFuture().join();
        serve(TaskDashboard.builder(tasks.engine).inProcess(runtime));

        browser.get(url("/dashboard/"));
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("[data-total=failed]"), "2"));
        waiting().until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#activity svg.throughput rect"), 50));
        browser.manage().window().setSize(new Dimension(1280, 1080));
        screenshot("overview");
        browser.manage().window().setSize(new Dimension(1280, 900));
        browser.get(url("/dashboard/tasks"));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("a.id"), 27));
        screenshot("list");
        browser.get(url("/dashboard/tasks/" + failed));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("button.retry")));
        screenshot("task");
        browser.get(url("/dashboard/workers"));
        waiting().until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table.workers tbody tr"), 2));
        assertThat(browser.findElements(By.cssSelector("td.held a.id"))).as("the running task its worker holds").hasSize(1);
        screenshot("workers");
        browser.get(url("/dashboard/in-process"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#in-process-failed td.error"),
                "the thumbnail cache is full"));
        screenshot("in-process");
        runtime.close();
        assertNoOtherHost();
    }

    /** A busy hour in the stats roll-up, as workers would have added it: steady mail, a burst of failing file jobs. */
    private void anHourOfStats() {
        var random = new SplittableRandom(16);
        var now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        var entries = new ArrayList<TaskStats.Entry>();
        for (int ago = 59; ago >= 0; ago--) {
            var minute = now.minus(Duration.ofMinutes(ago));
            long mails = 20 + random.nextInt(15);
            entries.add(new TaskStats.Entry(minute, "mail", "Mailer.send", mails, random.nextInt(10) == 0 ? 1 : 0, random.nextInt(3),
                    spread(random, mails, 2_000, 40_000), spread(random, mails, 30_000, 400_000)));
            long files = 5 + random.nextInt(6);
            long failedFiles = ago >= 20 && ago < 28 ? 3 + random.nextInt(4) : 0;
            entries.add(new TaskStats.Entry(minute, "default", "FileJobs.process", files, failedFiles, failedFiles,
                    spread(random, files + failedFiles, 5_000, 2_000_000), spread(random, files + failedFiles, 200_000, 3_000_000)));
        }
        tasks.engine.capability(TaskStats.class).orElseThrow().record(entries, now.minus(TaskStats.DEFAULT_RETENTION));
    }

    /** {@code n} durations from {@code low} to {@code high} µs, most near the low end. */
    private static DurationHistogram spread(SplittableRandom random, long n, long low, long high) {
        var buckets = new HashMap<Integer, Long>();
        for (long i = 0; i < n; i++) {
            double skew = Math.pow(random.nextDouble(), 3);
            buckets.merge(DurationHistogram.bucketOf((long) (low + skew * (high - low))), 1L, Long::sum);
        }
        return DurationHistogram.of(buckets);
    }

    private void assertNoAlert(String path) {
        try {
            var alert = browser.switchTo().alert();
            throw new AssertionError(path + ": an alert opened: " + alert.getText());
        } catch (NoAlertPresentException expected) {
            // the payload ran nowhere
        }
    }

    private WebDriverWait waiting() {
        return chromium.waiting();
    }

    /** Every request the browser made since the last call, from Chrome's performance log, went to the app. */
    private void assertNoOtherHost() {
        var base = app.baseUri();
        var network = chromium.requestedUrls();
        assertThat(network).as("requests to a host").isNotEmpty();
        assertThat(network).allSatisfy(u -> {
            var uri = URI.create(u);
            assertThat(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort()).as(u)
                    .isEqualTo("http://" + base.getHost() + ":" + base.getPort());
        });
        var violations = chromium.consoleMessages().stream().filter(m -> m.contains("Content Security Policy")).toList();
        assertThat(violations).as("what the page's policy blocked").isEmpty();
    }

    private String url(String path) {
        return app.baseUri().resolve(path).toString();
    }

    private void screenshot(String name) {
        chromium.screenshot(SCREENSHOTS.resolve("dashboard-" + name + ".png"));
    }

}
