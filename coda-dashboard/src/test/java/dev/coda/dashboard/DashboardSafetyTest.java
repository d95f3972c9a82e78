package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.HttpException;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.testing.TestClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps the dashboard safe, over HTTP: CSRF tokens on actions, the read-only mode and the authorisation hook
 * enforced by the server (not only hidden buttons), escaping of everything a task carries, and the headers.
 */
class DashboardSafetyTest {

    private static final String PAYLOAD = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&";

    @TempDir
    Path folder;
    private TaskFixture tasks;

    @BeforeEach
    void start() {
        tasks = new TaskFixture(engine(folder));
    }

    /** The engine under test: SQLite in the test's folder. */
    TaskEngine engine(Path folder) {
        return TaskEngine.sqlite(folder.resolve("tasks.db"));
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    private TestClient client(TaskDashboard.Builder dashboard) {
        return Pages.client(dashboard);
    }

    private DurableState state(String id) {
        return tasks.state(id);
    }

    @Test
    void aRetryWithTheTokenOfThePageRequeuesTheTaskAndSaysSo() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            var page = client.get("/dashboard/tasks/" + id);

            var retried = Pages.post(client, "/dashboard/tasks/" + id + "/retry", Pages.csrfCookie(page), Pages.csrfField(page));

            assertThat(Pages.setCookieHeader(page)).contains("HttpOnly", "SameSite=Strict", "Path=/dashboard");
            assertThat(retried.status()).isEqualTo(303);
            assertThat(retried.header("Location")).hasValue("/dashboard/tasks/" + id + "?done=retried");
            assertThat(state(id)).isEqualTo(DurableState.QUEUED);
            assertThat(client.get("/dashboard/tasks/" + id + "?done=retried").text()).contains("Retried: the task is queued again");
        }
    }

    @Test
    void aCancelOfAQueuedTaskCancelsItAndACancelOfAFinishedOneSaysItCannot() {
        var queued = tasks.queued("Jobs.slow", "default", "[]");
        var done = tasks.succeeded("Jobs.quick", "other", "[]", "null");
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            var page = client.get("/dashboard/tasks/" + queued);
            var cookie = Pages.csrfCookie(page);
            var token = Pages.csrfField(page);

            var cancelled = Pages.post(client, "/dashboard/tasks/" + queued + "/cancel", cookie, token);
            var refused = Pages.post(client, "/dashboard/tasks/" + done + "/cancel", cookie, token);

            assertThat(cancelled.header("Location")).hasValue("/dashboard/tasks/" + queued + "?done=cancelled");
            assertThat(state(queued)).isEqualTo(DurableState.CANCELLED);
            assertThat(refused.header("Location")).hasValue("/dashboard/tasks/" + done + "?done=not-cancelled");
            assertThat(state(done)).isEqualTo(DurableState.SUCCEEDED);
        }
    }

    @Test
    void anActionWithoutTheTokenOrWithAnotherIsRefused() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            var page = client.get("/dashboard/tasks/" + id);
            var cookie = Pages.csrfCookie(page);
            var other = Pages.csrfCookie(client.get("/dashboard/tasks/" + id));    // a second visitor's token, valid but not this one's
            var path = "/dashboard/tasks/" + id + "/retry";

            assertThat(Pages.post(client, path, null, null).status()).as("no cookie, no field").isEqualTo(403);
            assertThat(Pages.post(client, path, cookie, null).status()).as("no field").isEqualTo(403);
            assertThat(Pages.post(client, path, null, cookie).status()).as("no cookie").isEqualTo(403);
            assertThat(Pages.post(client, path, cookie, other).status()).as("another visitor's token").isEqualTo(403);
            assertThat(Pages.post(client, path, "forged.token", "forged.token").status()).as("a token not signed by the dashboard")
                    .isEqualTo(403);
            assertThat(state(id)).isEqualTo(DurableState.FAILED);
        }
    }

    @Test
    void aRetryRefusedForAUniqueKeyConflictIsReportedAsOne() {
        var first = tasks.unique("Reports.daily", "default", "report-2026-12-04");
        tasks.fail(first, "default", "boom");
        tasks.unique("Reports.daily", "default", "report-2026-12-04");    // the key is free again, and taken by this one
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            var page = client.get("/dashboard/tasks/" + first);

            var retried = Pages.post(client, "/dashboard/tasks/" + first + "/retry", Pages.csrfCookie(page), Pages.csrfField(page));

            assertThat(retried.header("Location")).hasValue("/dashboard/tasks/" + first + "?done=conflict");
            assertThat(client.get(retried.header("Location").orElseThrow()).text())
                    .contains("another queued, scheduled or running task holds this task&#39;s unique key");
            assertThat(state(first)).isEqualTo(DurableState.FAILED);
        }
    }

    @Test
    void aReadOnlyDashboardShowsNoActionAndRefusesThemWithAValidToken() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        try (var client = client(TaskDashboard.builder(tasks.engine).readOnly(true))) {
            var page = client.get("/dashboard/tasks/" + id);
            var token = Pages.csrfCookie(page);

            var retried = Pages.post(client, "/dashboard/tasks/" + id + "/retry", token, token);

            assertThat(page.status()).isEqualTo(200);
            assertThat(page.text()).doesNotContain("<form class=\"action\"", "/retry\"");
            assertThat(retried.status()).isEqualTo(403);
            assertThat(retried.text()).contains("read-only");
            assertThat(state(id)).isEqualTo(DurableState.FAILED);
        }
    }

    @Test
    void theAuthoriserDecidesWhoMayLookAndWhoMayAct() {
        var id = tasks.failed("Jobs.flaky", "default", "[]", "boom");
        Authorizer byHeader = request -> switch (request.header("X-Role").orElse("")) {
            case "admin" -> Access.ACT;
            case "support" -> Access.LOOK;
            case "" -> throw new HttpException(401, "Not authenticated", Map.of("WWW-Authenticate", "Basic realm=\"tasks\""));
            default -> Access.NONE;
        };
        try (var client = client(TaskDashboard.builder(tasks.engine).authorize(byHeader))) {
            var anonymous = client.get("/dashboard/");
            var stranger = client.request("GET", "/dashboard/tasks/" + id).header("X-Role", "guest").send();
            var support = client.request("GET", "/dashboard/tasks/" + id).header("X-Role", "support").send();
            var admin = client.request("GET", "/dashboard/tasks/" + id).header("X-Role", "admin").send();
            var token = Pages.csrfCookie(admin);

            var supportRetry = client.request("POST", "/dashboard/tasks/" + id + "/retry").header("X-Role", "support")
                    .header("Cookie", Csrf.COOKIE + "=" + token).form("csrf", token).send();
            assertThat(state(id)).isEqualTo(DurableState.FAILED);
            var adminRetry = client.request("POST", "/dashboard/tasks/" + id + "/retry").header("X-Role", "admin")
                    .header("Cookie", Csrf.COOKIE + "=" + token).form("csrf", token).send();

            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).hasValue("Basic realm=\"tasks\"");
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(client.request("GET", "/dashboard/live").header("X-Role", "guest").send().status()).isEqualTo(403);
            assertThat(support.status()).isEqualTo(200);
            assertThat(support.text()).doesNotContain("/retry\"");
            assertThat(admin.text()).contains("/retry\"");
            assertThat(supportRetry.status()).isEqualTo(403);
            assertThat(adminRetry.status()).isEqualTo(303);
            assertThat(state(id)).isEqualTo(DurableState.QUEUED);
        }
    }

    @Test
    void whatATaskCarriesIsShownAsTextOnEveryPage() {
        var json = "[\"" + PAYLOAD.replace("\"", "\\\"") + "\"]";
        var id = tasks.failed(PAYLOAD, PAYLOAD, json, PAYLOAD + "\n\tat " + PAYLOAD);
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            var pages = Map.of("overview", client.get("/dashboard/").text(),
                    "list", client.get("/dashboard/tasks?state=failed").text(),
                    "task", client.get("/dashboard/tasks/" + id).text(),
                    "filtered list", client.get("/dashboard/tasks?queue=" + Html.query(PAYLOAD) + "&name=" + Html.query(PAYLOAD)).text());

            pages.forEach((name, html) -> assertThat(html).as(name).doesNotContain("<script>alert", "<img src=x", "onerror=alert(1)>")
                    .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"));
        }
    }

    @Test
    void everyAnswerForbidsInlineScriptsOtherHostsAndFraming() {
        try (var client = client(TaskDashboard.builder(tasks.engine))) {
            for (var path : new String[] {"/dashboard/", "/dashboard/tasks", "/dashboard/workers", "/dashboard/tasks/nothing"}) {
                var response = client.get(path);
                assertThat(response.header("Content-Security-Policy")).as(path)
                        .hasValue("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
                                + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
                assertThat(response.header("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(response.text()).as(path).doesNotContain("<script>", " style=\"", "http://", "https://");
            }
        }
    }
}
