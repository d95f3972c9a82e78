package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.durable.TaskEngine;
import dev.coda.tasks.TaskRuntime;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page of this process's in-process tasks, beside the durable ones, over HTTP. */
class InProcessPageTest {

    @TempDir
    Path folder;
    private TaskEngine engine;
    private TaskRuntime runtime;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        engine = TaskEngine.sqlite(folder.resolve("tasks.db"));
        runtime = TaskRuntime.create();
    }

    @AfterEach
    void stop() {
        release.countDown();
        runtime.shutdown(Duration.ofSeconds(5));
        engine.close();
    }

    /** An in-process task that waits for the test. */
    public void waitForTheTest() throws InterruptedException {
        if (!release.await(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the test never released the task");
        }
    }

    /** An in-process task that fails. */
    public static void refuse(String why) {
        throw new IllegalStateException(why);
    }

    @Test
    void theInProcessPageListsTheRunningTaskAndTheFailedOneWithItsErrorEscaped() {
        var failing = runtime.newTasks("POST /reports", "req-1");
        var failed = failing.addTask(InProcessPageTest::refuse, "the <printer> is on fire");
        runtime.dispatch(failing, false).toCompletableFuture().join();
        var waiting = runtime.newTasks("POST /exports", "req-2");
        var running = waiting.addTask(this::waitForTheTest);
        runtime.dispatch(waiting, false);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.runningTasks() == 1);

        try (var client = TestClient.of(Pages.mounted(TaskDashboard.builder(engine).inProcess(runtime).build()))) {
            var page = client.get("/dashboard/in-process");

            assertThat(page.status()).isEqualTo(200);
            var html = page.text();
            assertThat(section(html, "running")).contains("data-id=\"" + running.id() + "\"", "<span class=\"badge running\">")
                    .doesNotContain(failed.id());
            assertThat(section(html, "failed")).contains("data-id=\"" + failed.id() + "\"")
                    .contains("java.lang.IllegalStateException: the &lt;printer&gt; is on fire")
                    .doesNotContain("<printer>");
            assertThat(html).contains("<a href=\"/dashboard/in-process\" aria-current=\"page\">In-process</a>");

            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> runtime.runningTasks() == 0 && runtime.recent().finished().size() == 2);
            var after = client.get("/dashboard/in-process").text();
            assertThat(section(after, "running")).contains("No in-process task is running.");
            assertThat(section(after, "finished")).contains("data-id=\"" + running.id() + "\"", "<span class=\"badge succeeded\">");
        }
    }

    @Test
    void withoutARuntimeThePageSaysHowToGiveOne() {
        try (var client = TestClient.of(Pages.mounted(TaskDashboard.builder(engine).build()))) {
            var page = client.get("/dashboard/in-process");

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).contains("shows no in-process tasks", "inProcess(runtime)");
        }
    }

    private static String section(String html, String id) {
        int start = html.indexOf("id=\"in-process-" + id + "\"");
        assertThat(start).as("section %s in %s", id, html).isNotNegative();
        return html.substring(start, html.indexOf("</section>", start));
    }
}
