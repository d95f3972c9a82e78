package dev.coda.examples;

import static dev.coda.examples.FilesCluster.DONE;
import static dev.coda.examples.FilesCluster.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code files} example's dashboard as outside users reach it, running the shaded jar by name: every role serves
 * {@code /dashboard/}; an upload starting with {@code fail} ends in the failed set after its attempts (3, or
 * {@code --max-attempts N}), shows there, and a retry from the dashboard, with its CSRF token, runs it again.
 */
class FilesDashboardIT {

    private static final Pattern FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern COOKIE = Pattern.compile("coda_dashboard_csrf=([^;]+)");

    @TempDir
    Path workDir;
    private FilesCluster cluster;

    @BeforeEach
    void newCluster() throws Exception {
        cluster = new FilesCluster(workDir);
    }

    @AfterEach
    void stopEverything() throws Exception {
        cluster.close();
    }

    @Test
    void an_upload_starting_with_fail_fails_three_times_shows_in_the_dashboard_and_a_retry_there_runs_it_again() throws Exception {
        var app = launchAll();
        var base = app.base();

        var id = cluster.upload(base, "fail, please\n".getBytes(StandardCharsets.UTF_8));
        var failed = awaitFailed(base, id, app);
        assertThat(failed.get("attempts").asInt()).isEqualTo(3);
        assertThat(failed.get("error").asText()).isEqualTo("the upload starts with \"fail\": it fails on purpose, at every attempt");
        var good = cluster.upload(base, "a good upload\n".getBytes(StandardCharsets.UTF_8));
        cluster.awaitSucceeded(base, good, app);

        var overview = get(base, "/dashboard/");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("data-total=\"failed\">1<", "data-total=\"succeeded\">1<");
        var failedList = get(base, "/dashboard/tasks?state=failed");
        assertThat(failedList.body()).contains(id).doesNotContain(good);

        var page = get(base, "/dashboard/tasks/" + id);
        assertThat(page.statusCode()).isEqualTo(200);
        var cookie = match(COOKIE, page.headers().allValues("set-cookie").toString());
        var token = match(FIELD, page.body());
        var retried = cluster.send(HttpRequest.newBuilder(base.resolve("/dashboard/tasks/" + id + "/retry"))
                .header("Cookie", "coda_dashboard_csrf=" + cookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
        assertThat(retried.statusCode()).as("retry: %s", retried.body()).isEqualTo(303);
        assertThat(retried.headers().firstValue("location")).hasValue("/dashboard/tasks/" + id + "?done=retried");

        // run again from a fresh count of attempts, it fails for good a second time
        var forGood = "Durable task FileJobs.process (" + id + ") failed for good after 3 attempt(s)";
        await("the retried upload failing again").atMost(DONE).pollInterval(Duration.ofMillis(200))
                .until(() -> app.output().split(Pattern.quote(forGood), -1).length - 1 == 2);
        assertThat(awaitFailed(base, id, app).get("attempts").asInt()).isEqualTo(3);

        var refused = cluster.send(HttpRequest.newBuilder(base.resolve("/dashboard/tasks/" + id + "/retry"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
        assertThat(refused.statusCode()).as("a retry without the cookie").isEqualTo(403);
        cluster.stopGracefully(app);
    }

    @Test
    void max_attempts_sets_how_many_times_a_failing_upload_runs() throws Exception {
        var app = launchAll("--max-attempts", "2");
        var base = app.base();

        var id = cluster.upload(base, "fail".getBytes(StandardCharsets.UTF_8));

        assertThat(awaitFailed(base, id, app).get("attempts").asInt()).isEqualTo(2);
        assertThat(app.output()).contains("Durable task FileJobs.process (" + id + ") failed for good after 2 attempt(s)");
        assertThat(get(base, "/dashboard/tasks?state=failed").body()).contains(id);
        cluster.stopGracefully(app);
    }

    @Test
    void every_role_serves_the_dashboard_and_the_worker_serves_it_alone() throws Exception {
        var web = cluster.launch("web", "--role", "web");
        var worker = cluster.launch("worker", "--role", "worker");
        var webBase = cluster.awaitWeb(web);
        cluster.awaitWorker(worker);           // also checks that the worker has /dashboard/ and no /files

        var id = cluster.upload(webBase, "fail here too".getBytes(StandardCharsets.UTF_8));
        awaitFailed(webBase, id, worker);

        for (var proc : List.of(web, worker)) {
            var base = proc.base();
            var overview = get(base, "/dashboard/");
            assertThat(overview.statusCode()).as("%s /dashboard/", proc.name()).isEqualTo(200);
            assertThat(overview.body()).as("%s /dashboard/", proc.name()).contains("<title>Overview · Coda tasks</title>")
                    .contains("data-total=\"failed\">1<");
            assertThat(get(base, "/dashboard/tasks/" + id).body()).as("%s task page", proc.name()).contains(id);
            assertThat(get(base, "/dashboard/in-process").statusCode()).as("%s in-process page", proc.name()).isEqualTo(200);
        }
        cluster.stopGracefully(worker);
        cluster.stopGracefully(web);
    }

    /** The example in the role all, with {@code options}, answering. */
    private FilesCluster.Proc launchAll(String... options) throws Exception {
        var app = cluster.launch("all", concat(List.of("--role", "all"), List.of(options)));
        cluster.awaitWeb(app);
        return app;
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return cluster.send(HttpRequest.newBuilder(base.resolve(path)));
    }

    private JsonNode awaitFailed(URI base, String id, FilesCluster.Proc worker) {
        var last = new JsonNode[1];
        await("upload " + id + " failed for good").atMost(DONE).pollInterval(Duration.ofMillis(100))
                .failFast(worker.name() + " exited", () -> !worker.isAlive())
                .until(() -> {
                    last[0] = cluster.status(base, id);
                    return last[0].get("status").asText().equals("failed");
                });
        return last[0];
    }

    private static String match(Pattern pattern, String text) {
        var m = pattern.matcher(text);
        assertThat(m.find()).as("%s in %s", pattern, text).isTrue();
        return m.group(1);
    }
}
