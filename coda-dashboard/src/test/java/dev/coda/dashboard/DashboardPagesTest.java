package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import dev.coda.durable.TaskContext;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskSearch;
import dev.coda.durable.testing.SettableClock;
import dev.coda.durable.TaskEngine;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's pages, mounted under {@code /dashboard} in an app, over HTTP on a SQLite engine. */
class DashboardPagesTest {

    @TempDir
    Path folder;
    private TaskFixture tasks;
    private TestClient client;

    @BeforeEach
    void start() {
        tasks = new TaskFixture(engine(folder));
        client = TestClient.of(Pages.mounted(TaskDashboard.builder(tasks.engine).pageSize(3).build()));
    }

    /** The engine under test: SQLite in the test's folder. */
    TaskEngine engine(Path folder) {
        return TaskEngine.sqlite(folder.resolve("tasks.db"));
    }

    @AfterEach
    void stop() {
        client.close();
        tasks.close();
    }

    @Test
    void theOverviewCountsEachQueuesTasksByStateAndLinksToTheirLists() {
        tasks.queued("Mailer.send", "mail", "[\"ada@example.com\"]");
        tasks.queued("Mailer.send", "mail", "[\"bob@example.com\"]");
        tasks.failed("Mailer.send", "mail", "[]", "java.io.IOException: refused");
        tasks.succeeded("Reports.render", "default", "[1]", "\"ok\"");

        var page = client.get("/dashboard/");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        var html = page.text();
        assertThat(row(html, "mail")).contains("data-state=\"queued\"><a href=\"/dashboard/tasks?state=queued&amp;queue=mail\">2</a>")
                .contains("data-state=\"failed\"><a href=\"/dashboard/tasks?state=failed&amp;queue=mail\">1</a>")
                .contains("data-state=\"succeeded\"><span class=\"zero\">0</span>");
        assertThat(row(html, "default")).contains("data-state=\"succeeded\"><a href=\"/dashboard/tasks?state=succeeded&amp;queue=default\">1</a>");
        assertThat(html).contains("data-total=\"queued\">2<", "data-total=\"failed\">1<", "data-total=\"succeeded\">1<")
                .contains("data-feed=\"/dashboard/live\"")
                .contains("<script src=\"/dashboard/assets/dashboard.js\" defer></script>");
        assertThat(client.get("/hello").json()).as("the app's own route, beside the mount").isEqualTo("hello");
    }

    @Test
    void aStatesListPagesThroughEveryTaskOnceNewestFirstWithTheCursorInTheNextLink() {
        var failed = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            failed.add(tasks.failed("Jobs.flaky", "default", "[" + i + "]", "boom " + i));
        }
        tasks.queued("Jobs.flaky", "default", "[99]");

        var seen = new ArrayList<String>();
        var pages = 0;
        for (String path = "/dashboard/tasks?state=failed"; path != null; pages++) {
            var page = client.get(path);
            assertThat(page.status()).isEqualTo(200);
            seen.addAll(ids(page.text()));
            path = Pages.next(page);
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(failed.reversed());
    }

    @Test
    void theNextLinkKeepsTheFilters() {
        for (int i = 0; i < 4; i++) {
            tasks.failed("Jobs.flaky", "mail", "[]", "boom");
            tasks.failed("Jobs.other", "mail", "[]", "boom");
        }

        var first = client.get("/dashboard/tasks?state=failed&queue=mail&name=Jobs.flaky");
        var second = client.get(Pages.next(first));

        assertThat(Pages.next(first)).contains("state=failed", "queue=mail", "name=Jobs.flaky", "after=");
        assertThat(ids(first.text())).hasSize(3);
        assertThat(ids(second.text())).hasSize(1);
        assertThat(second.text()).doesNotContain("Jobs.other").contains("First page");
    }

    @Test
    void theListFiltersByNameQueueAndCreationTime() {
        var before = Instant.now().minusSeconds(1);
        var mail = tasks.queued("Mailer.send", "mail", "[]");
        var report = tasks.queued("Reports.render", "default", "[]");

        assertThat(ids(client.get("/dashboard/tasks?name=Mailer.send").text())).containsExactly(mail);
        assertThat(ids(client.get("/dashboard/tasks?queue=default").text())).containsExactly(report);
        assertThat(ids(client.get("/dashboard/tasks?from=" + before).text())).containsExactlyInAnyOrder(mail, report);
        assertThat(ids(client.get("/dashboard/tasks?before=" + before).text())).isEmpty();
        assertThat(client.get("/dashboard/tasks?from=yesterday").status()).isEqualTo(400);
        assertThat(client.get("/dashboard/tasks?state=lost").status()).isEqualTo(400);
    }

    @Test
    void searchingByIdOpensTheTaskOrSaysThereIsNone() {
        var id = tasks.queued("Mailer.send", "mail", "[]");

        var found = client.get("/dashboard/tasks?id=" + id);
        var missing = client.get("/dashboard/tasks?id=no-such-task");

        assertThat(found.status()).isEqualTo(303);
        assertThat(found.header("Location")).hasValue("/dashboard/tasks/" + id);
        assertThat(missing.status()).isEqualTo(200);
        assertThat(missing.text()).contains("No task has the id no-such-task.");
    }

    @Test
    void aTasksPageShowsEverythingItsStatusHolds() {
        var id = tasks.failed("Mailer.send", "mail", "[\"ada@example.com\",12345678901234567890,0.1000000000000000055511151231257827]",
                "java.io.IOException: refused\n\tat Mailer.send(Mailer.java:12)\n\tat Worker.run(Worker.java:3)");

        var html = client.get("/dashboard/tasks/" + id).text();

        assertThat(html).contains("<span class=\"badge failed\">failed</span>", "Mailer.send", "<code>" + id + "</code>",
                "1 of 3", "&quot;ada@example.com&quot;", "12345678901234567890", "0.1000000000000000055511151231257827",
                "java.io.IOException: refused\n\tat Mailer.send(Mailer.java:12)\n\tat Worker.run(Worker.java:3)</pre>",
                "<dt>Finished</dt><dd><time", "action=\"/dashboard/tasks/" + id + "/retry\"");
        assertThat(html).doesNotContain("/cancel\"");
        var done = tasks.succeeded("Reports.render", "default", "[]", "{\"pages\":3}");
        assertThat(client.get("/dashboard/tasks/" + done).text()).contains("<h2>Result</h2><pre class=\"result\">{\n  &quot;pages&quot; : 3\n}</pre>")
                .doesNotContain("/retry\"", "/cancel\"");
        assertThat(client.get("/dashboard/tasks/no-such-task").status()).isEqualTo(404);
    }

    @Test
    void aTasksPageListsItsAttemptsWithTheirWorkersOutcomesAndStackTracesAsText() {
        var id = tasks.queued("Mailer.send", "mail", "[]");
        var first = "build-01:77:a";
        tasks.engine.claim(first, List.of("mail"), 1, Duration.ofMinutes(5));
        tasks.engine.complete(first, List.of(new TaskEngine.Completion.Retry(id,
                "java.io.IOException: <script>alert('x')</script>\n\tat Mailer.send(Mailer.java:12)", Instant.now().minusSeconds(60))));
        tasks.fail(id, "mail", "java.lang.IllegalStateException: second\n\tat Mailer.send(Mailer.java:20)");

        var html = client.get("/dashboard/tasks/" + id).text();

        assertThat(html).contains("<dt>Worker</dt><dd><a href=\"/dashboard/workers#worker-" + TaskFixture.WORKER + "\"><code>"
                + TaskFixture.WORKER + "</code></a></dd>");
        var table = html.substring(html.indexOf("<h2>Attempts</h2>"), html.indexOf("</table>", html.indexOf("<h2>Attempts</h2>")));
        var rows = table.split("<tr>");
        assertThat(rows).hasSize(4); // before the header, the header, two attempts
        assertThat(rows[2]).contains("<td class=\"num\">1</td>", "href=\"/dashboard/workers#worker-" + first + "\"",
                        ">retried</span>", " ms</td>")
                .contains("<details><summary>java.io.IOException: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</summary>"
                        + "<pre class=\"error\">java.io.IOException: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\n\tat Mailer.send(Mailer.java:12)</pre></details>");
        assertThat(rows[3]).contains("<td class=\"num\">2</td>", TaskFixture.WORKER, ">failed</span>",
                "<summary>java.lang.IllegalStateException: second</summary>", "\tat Mailer.send(Mailer.java:20)</pre>");
        assertThat(html).as("an error is text, never markup").doesNotContain("<script>alert");
        assertThat(client.get("/dashboard/workers").text()).as("the link's target").contains("<tr id=\"worker-" + TaskFixture.WORKER + "\">");
        assertThat(client.get("/dashboard/tasks/" + tasks.queued("Mailer.send", "mail", "[]")).text())
                .as("a task never run").contains("<dt>Worker</dt><dd>none yet</dd>").doesNotContain("<h2>Attempts</h2>");
    }

    @Test
    void aTasksPageShowsTheRouteRequestIdAndTraceIdOfTheRequestThatStoredItAsText() {
        var id = tasks.withContext("Reports.render", "default", Map.of(TaskContext.ROUTE, "POST /reports/{id}",
                TaskContext.REQUEST_ID, "<b>req-7</b>", TaskContext.TRACEPARENT, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
        var plain = tasks.queued("Reports.render", "default", "[]");

        assertThat(client.get("/dashboard/tasks/" + id).text()).contains("<dt>Route</dt><dd><code>POST /reports/{id}</code></dd>",
                "<dt>Request id</dt><dd><code>&lt;b&gt;req-7&lt;/b&gt;</code></dd>",
                "<dt>Trace id</dt><dd><code>4bf92f3577b34da6a3ce929d0e0e4736</code></dd>").doesNotContain("<b>req-7");
        assertThat(client.get("/dashboard/tasks/" + plain).text()).doesNotContain("<dt>Route</dt>", "<dt>Request id</dt>", "<dt>Trace id</dt>");
    }

    @Test
    void theWorkersPageListsTheRegisteredWorkers() {
        var html = client.get("/dashboard/workers").text();

        assertThat(html).contains("<code>" + TaskFixture.WORKER + "</code>", "test-host", "4242", "default, mail",
                "<td class=\"num\">8</td>", "<span class=\"badge succeeded\">alive</span>");
    }

    @Test
    void aWorkerWhoseLastHeartbeatIsOlderThanTheSilenceOnTheDashboardsClockIsShownSilent() {
        var clock = new SettableClock();
        try (var onClock = TestClient.of(Pages.mounted(TaskDashboard.builder(tasks.engine).clock(clock).build()))) {
            assertThat(onClock.get("/dashboard/workers").text()).contains("<span class=\"badge succeeded\">alive</span>");

            clock.advance(WorkersView.SILENCE.plusSeconds(1));

            assertThat(onClock.get("/dashboard/workers").text()).contains("<span class=\"badge failed\">silent</span>")
                    .doesNotContain("<span class=\"badge succeeded\">alive</span>");
        }
    }

    @Test
    void theWorkersPageShowsTheRunningTasksEachWorkerHolds() {
        var held = tasks.queued("Reports.<b>render</b>", "default", "[]");
        tasks.engine.claim(TaskFixture.WORKER, List.of("default"), 1, Duration.ofMinutes(5));

        var html = client.get("/dashboard/workers").text();

        var row = html.substring(html.indexOf("<tr id=\"worker-" + TaskFixture.WORKER + "\">"));
        assertThat(row.substring(0, row.indexOf("</tr>"))).contains("<span class=\"held-count\">1</span>",
                "<a class=\"id\" href=\"/dashboard/tasks/" + held + "\" title=\"Reports.&lt;b&gt;render&lt;/b&gt;\">");
        assertThat(html).doesNotContain("<b>render");
    }

    @Test
    void theScriptAndStyleSheetComeFromTheJar() {
        var script = client.get("/dashboard/assets/dashboard.js");
        var style = client.get("/dashboard/assets/dashboard.css");

        assertThat(script.status()).isEqualTo(200);
        assertThat(script.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("javascript"));
        assertThat(script.text()).contains("new EventSource(");
        assertThat(style.status()).isEqualTo(200);
        assertThat(style.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }

    @Test
    void theLiveCountsAreReadOnceAnIntervalHoweverManyPagesAsk() {
        var clock = new AtomicLong();
        var engine = new CountingSearch(tasks.engine, clock, 0);
        var live = new LiveCounts(engine, Duration.ofSeconds(1), clock::get);

        for (int page = 0; page < 10; page++) {
            live.counts();
        }
        clock.addAndGet(Duration.ofMillis(999).toNanos());
        live.counts();
        assertThat(engine.reads).as("within the interval").hasValue(1);

        clock.addAndGet(Duration.ofMillis(1).toNanos());
        live.counts();
        assertThat(engine.reads).as("once it has passed").hasValue(2);
    }

    @Test
    void slowCountsAreReadLessOftenThanTheInterval() {
        var clock = new AtomicLong();
        var engine = new CountingSearch(tasks.engine, clock, Duration.ofSeconds(2).toNanos());   // each read takes 2 s
        var live = new LiveCounts(engine, Duration.ofSeconds(1), clock::get);

        live.counts();
        clock.addAndGet(Duration.ofSeconds(7).toNanos());    // 9 s since the read began: it started, then 4 times its 2 s
        live.counts();
        assertThat(engine.reads).hasValue(1);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        live.counts();
        assertThat(engine.reads).hasValue(2);
    }

    /** The engine's search, counting its reads of the counts, each taking {@code cost} nanoseconds on {@code clock}. */
    private static final class CountingSearch implements TaskSearch {
        final AtomicInteger reads = new AtomicInteger();
        private final TaskSearch engine;
        private final AtomicLong clock;
        private final long cost;

        CountingSearch(TaskSearch engine, AtomicLong clock, long cost) {
            this.engine = engine;
            this.clock = clock;
            this.cost = cost;
        }

        @Override
        public TaskPage search(TaskQuery query) {
            return engine.search(query);
        }

        @Override
        public Map<String, Map<DurableState, Long>> counts() {
            reads.incrementAndGet();
            clock.addAndGet(cost);
            return engine.counts();
        }

        @Override
        public int purge(Set<DurableState> states, Instant finishedBefore) {
            return engine.purge(states, finishedBefore);
        }
    }

    private static final Pattern ID = Pattern.compile("<a class=\"id\" href=\"[^\"]+\">([^<]+)</a>");

    private static List<String> ids(String html) {
        var out = new ArrayList<String>();
        var m = ID.matcher(html);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The overview's table row of one queue. */
    private static String row(String html, String queue) {
        int start = html.indexOf("<tr data-queue=\"" + queue + "\">");
        assertThat(start).as("a row of queue " + queue).isNotNegative();
        return html.substring(start, html.indexOf("</tr>", start));
    }
}
