package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.RetryPolicy;
import dev.coda.durable.TaskEngine;
import dev.coda.tasks.TaskCall;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The overview's last hour, over HTTP, from a SQLite engine's stats roll-up after a real worker ran real tasks: the
 * totals, the charts, and each task name's counts and percentiles of queue wait and run time.
 */
class DashboardActivityTest {

    /** The tasks the worker runs. */
    public static final class Work {
        /** Runs about 20 ms. */
        public static void steady(int n) throws InterruptedException {
            Thread.sleep(20); // the work itself: a run time to measure, not a wait for another thread
        }

        public static void broken() {
            throw new IllegalStateException("broken on purpose");
        }
    }

    @TempDir
    Path folder;
    private TaskEngine engine;
    private TestClient client;

    @BeforeEach
    void start() {
        engine = TaskEngine.sqlite(folder.resolve("tasks.db"));
        client = TestClient.of(Pages.mounted(TaskDashboard.builder(engine).build()));
    }

    @AfterEach
    void stop() {
        client.close();
        engine.close();
    }

    /** Runs 5 steady tasks and one broken one (2 attempts) on a worker, then stops it: its stats are flushed. */
    private DurableTasks runSomeTasks() {
        var durable = DurableTasks.on(engine).task(Work::steady).task(Work::broken)
                .retry(new RetryPolicy(2, Duration.ofMillis(10), 1.0, Duration.ofMillis(10), 0.0)).build();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            ids.add(durable.enqueue(TaskCall.of(Work::steady, i)));
        }
        var broken = durable.enqueue(TaskCall.of(Work::broken));
        try (var worker = durable.worker().pollInterval(Duration.ofMillis(20)).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream().allMatch(id -> state(id) == DurableState.SUCCEEDED)
                    && state(broken) == DurableState.FAILED);
        }
        return durable;
    }

    private DurableState state(String id) {
        return engine.status(id).orElseThrow().state();
    }

    @Test
    void theOverviewShowsTheLastHoursThroughputFailureRateAndTimingsPerTaskName() {
        runSomeTasks();

        var html = client.get("/dashboard/").text();
        var activity = html.substring(html.indexOf("<section id=\"activity\">"));

        assertThat(activity).contains("<b data-sum=\"succeeded\">5</b> succeeded", "<b data-sum=\"failed\">1</b> failed",
                "<b data-sum=\"rate\">16.7 %</b> over the hour");
        assertThat(count(activity, "<rect class=\"succeeded\"")).as("a bar a minute that had successes").isBetween(1, 2);
        assertThat(sumOfTitles(activity)).as("the bars' titles add up").containsExactly(5L, 1L);
        assertThat(activity).contains("<svg class=\"chart failure-rate\"", "<path class=\"rate\" d=\"M");

        var steady = row(activity, "steady");
        assertThat(cell(steady, "succeeded")).isEqualTo("5");
        assertThat(cell(steady, "failed")).isEqualTo("<span class=\"zero\">0</span>");
        assertThat(millis(cell(steady, "run-p50"))).as("each ran about 20 ms").isBetween(18.0, 200.0);
        assertThat(millis(cell(steady, "run-p95"))).isGreaterThanOrEqualTo(millis(cell(steady, "run-p50")));
        assertThat(cell(steady, "wait-p50")).matches("[0-9.]+ (µs|ms|s)");
        assertThat(millis(cell(steady, "wait-p95"))).as("recorded for every attempt, and short here")
                .isLessThan(60_000.0);

        var broken = row(activity, "broken");
        assertThat(List.of(cell(broken, "succeeded"), cell(broken, "failed"), cell(broken, "retried")))
                .containsExactly("<span class=\"zero\">0</span>", "1", "1");
        assertThat(broken).contains("href=\"/dashboard/tasks?name=");
    }

    @Test
    void withoutFinishedTasksTheChartsAreEmptyAndSaySo() {
        var html = client.get("/dashboard/").text();

        assertThat(html).contains("<section id=\"activity\">", "<b data-sum=\"succeeded\">0</b>", "<b data-sum=\"rate\">–</b>",
                "No task finished in the last hour.");
        assertThat(html).doesNotContain("<rect class=\"succeeded\"");
    }

    @Test
    void durationsAreShownInTheUnitThatSuitsThem() {
        assertThat(ActivityView.duration(Duration.ofNanos(5_000))).isEqualTo("5 µs");
        assertThat(ActivityView.duration(Duration.ofMillis(12).plusNanos(340_000))).isEqualTo("12.3 ms");
        assertThat(ActivityView.duration(Duration.ofMillis(1_500))).isEqualTo("1.50 s");
        assertThat(ActivityView.duration(Duration.ofMinutes(3))).isEqualTo("3.00 min");
        assertThat(ActivityView.niceCeiling(0)).isEqualTo(1);
        assertThat(ActivityView.niceCeiling(7)).isEqualTo(10);
        assertThat(ActivityView.niceCeiling(11)).isEqualTo(20);
        assertThat(ActivityView.niceCeiling(200)).isEqualTo(200);
    }

    private static int count(String html, String what) {
        return html.split(Pattern.quote(what), -1).length - 1;
    }

    /** The succeeded and failed counts of the throughput bars' titles, summed over the minutes. */
    private static List<Long> sumOfTitles(String html) {
        var m = Pattern.compile("UTC: (\\d+) succeeded, (\\d+) failed</title>").matcher(html);
        long ok = 0;
        long bad = 0;
        while (m.find()) {
            ok += Long.parseLong(m.group(1));
            bad += Long.parseLong(m.group(2));
        }
        return List.of(ok, bad);
    }

    private static String row(String html, String nameEnd) {
        var m = Pattern.compile("<tr data-task=\"[^\"]*" + nameEnd + "\">.*?</tr>").matcher(html);
        assertThat(m.find()).as("a row of a task named …%s", nameEnd).isTrue();
        return m.group();
    }

    private static String cell(String row, String column) {
        var m = Pattern.compile("data-col=\"" + column + "\">(.*?)</td>").matcher(row);
        assertThat(m.find()).as("column %s in %s", column, row).isTrue();
        return m.group(1);
    }

    /** A shown duration in milliseconds. */
    private static double millis(String shown) {
        var parts = shown.split(" ");
        double value = Double.parseDouble(parts[0]);
        return switch (parts[1]) {
            case "µs" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "min" -> value * 60_000;
            default -> throw new AssertionError("no unit in " + shown);
        };
    }
}
