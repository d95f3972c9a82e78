package dev.coda.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coda.durable.DurableState;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The administrator's actions over HTTP: search by error and argument text, delete, and bulk actions on the list's
 * filter (a dry run with its count, then a confirmed form), refused by the server in read-only mode and for
 * {@link Access#LOOK}, as the other actions are.
 */
class DashboardAdminTest {

    private static final Pattern ID = Pattern.compile("<a class=\"id\" href=\"[^\"]+\">([^<]+)</a>");

    @TempDir
    Path folder;
    private TaskFixture tasks;

    @BeforeEach
    void start() {
        tasks = new TaskFixture(folder);
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    private static List<String> ids(String html) {
        return ID.matcher(html).results().map(m -> m.group(1)).toList();
    }

    @Test
    void theListFindsTasksByTextInTheirErrorOrArguments() {
        var refused = tasks.failed("Mailer.send", "mail", "[\"ada@example.com\"]", "java.io.IOException: Connection refused");
        var timedOut = tasks.failed("Mailer.send", "mail", "[\"bob@example.com\"]", "java.net.SocketTimeoutException: timed out");
        try (var client = Pages.client(TaskDashboard.builder(tasks.engine))) {
            assertThat(ids(client.get("/dashboard/tasks?error=connection+REFUSED").text())).containsExactly(refused);
            assertThat(ids(client.get("/dashboard/tasks?args=bob%40").text())).containsExactly(timedOut);
            var page = client.get("/dashboard/tasks?error=java&args=ada").text();
            assertThat(ids(page)).containsExactly(refused);
            assertThat(page).as("the fields keep their text").contains("name=\"error\" value=\"java\"", "name=\"args\" value=\"ada\"");
        }
    }

    @Test
    void aBulkRetryShowsItsDryRunCountThenRetriesWhatItCountedAndReportsConflicts() {
        var refused = List.of(tasks.failed("Mailer.send", "mail", "[1]", "Connection refused"),
                tasks.failed("Mailer.send", "mail", "[2]", "Connection refused"),
                tasks.failed("Mailer.send", "mail", "[3]", "connection REFUSED"));
        var other = tasks.failed("Mailer.send", "mail", "[4]", "bad address");
        var keyed = tasks.unique("Reports.daily", "mail", "report-1");
        tasks.fail(keyed, "mail", "connection refused");
        var holder = tasks.unique("Reports.daily", "mail", "report-1");
        try (var client = Pages.client(TaskDashboard.builder(tasks.engine))) {
            var list = client.get("/dashboard/tasks?state=failed&error=refused");
            assertThat(list.text()).contains("href=\"/dashboard/tasks/bulk?action=retry&amp;state=failed&amp;error=refused\"");

            var dryRun = client.get("/dashboard/tasks/bulk?action=retry&state=failed&error=refused");
            assertThat(dryRun.status()).isEqualTo(200);
            assertThat(dryRun.text()).contains("This will retry 4 tasks.", "<button type=\"submit\" class=\"retry\">Retry 4 tasks</button>");
            assertThat(refused).allSatisfy(id -> assertThat(tasks.state(id)).as("a dry run changes nothing").isEqualTo(DurableState.FAILED));
            var fields = Pages.hiddenFields(dryRun);
            assertThat(fields).containsEntry("action", "retry").containsEntry("state", "failed").containsEntry("error", "refused")
                    .containsKeys("csrf", "before");

            tasks.failed("Mailer.send", "mail", "[5]", "Connection refused");         // stored after the dry run: left alone
            var done = Pages.submit(client, "/dashboard/tasks/bulk", Pages.csrfCookie(dryRun), fields);

            assertThat(done.status()).isEqualTo(200);
            assertThat(done.text()).contains("Retried 3 tasks.", "Not retried: 1 task, because another queued, scheduled or running task "
                    + "holds the unique key of each.");
            assertThat(refused).allSatisfy(id -> assertThat(tasks.state(id)).isEqualTo(DurableState.QUEUED));
            assertThat(tasks.state(other)).isEqualTo(DurableState.FAILED);
            assertThat(tasks.state(keyed)).isEqualTo(DurableState.FAILED);
            assertThat(tasks.state(holder)).isEqualTo(DurableState.QUEUED);
            assertThat(tasks.engine.dryRun(dev.coda.durable.spi.TaskAdmin.BulkAction.RETRY,
                    dev.coda.durable.spi.TaskQuery.newest(50).errorContaining("refused"))).as("the late one and the conflict").isEqualTo(2);
        }
    }

    @Test
    void aTaskDeletedFromItsPageIsGoneAndARunningOneOffersNoDelete() {
        var failed = tasks.failed("Mailer.send", "mail", "[]", "boom");
        try (var client = Pages.client(TaskDashboard.builder(tasks.engine))) {
            var page = client.get("/dashboard/tasks/" + failed);
            assertThat(page.text()).contains("action=\"/dashboard/tasks/" + failed + "/delete\"");

            var deleted = Pages.post(client, "/dashboard/tasks/" + failed + "/delete", Pages.csrfCookie(page), Pages.csrfField(page));

            assertThat(deleted.status()).isEqualTo(303);
            assertThat(deleted.header("Location")).hasValue("/dashboard/tasks?done=deleted");
            assertThat(client.get("/dashboard/tasks?done=deleted").text()).contains("<p class=\"notice ok\" role=\"status\">Deleted.</p>");
            assertThat(tasks.engine.status(failed)).isEmpty();

            var running = tasks.queued("Mailer.send", "mail", "[]");
            tasks.engine.claim(TaskFixture.WORKER, List.of("mail"), 1, java.time.Duration.ofMinutes(5));
            assertThat(client.get("/dashboard/tasks/" + running).text()).doesNotContain("/delete\"");
            var refused = Pages.post(client, "/dashboard/tasks/" + running + "/delete", Pages.csrfCookie(page), Pages.csrfField(page));
            assertThat(refused.header("Location")).hasValue("/dashboard/tasks/" + running + "?done=not-deleted");
            assertThat(tasks.state(running)).isEqualTo(DurableState.RUNNING);
        }
    }

    @Test
    void readOnlyAndLookAccessShowNoNewActionAndTheServerRefusesThem() {
        var failed = tasks.failed("Mailer.send", "mail", "[]", "boom");
        Authorizer lookOnly = request -> Access.LOOK;
        for (var dashboard : List.of(TaskDashboard.builder(tasks.engine).readOnly(true), TaskDashboard.builder(tasks.engine).authorize(lookOnly))) {
            try (var client = Pages.client(dashboard)) {
                var page = client.get("/dashboard/tasks/" + failed);
                var token = Pages.csrfCookie(page);
                assertThat(page.text()).doesNotContain("/delete\"");
                assertThat(client.get("/dashboard/tasks?state=failed").text()).doesNotContain("/tasks/bulk");

                assertThat(client.get("/dashboard/tasks/bulk?action=retry&state=failed").status()).isEqualTo(403);
                var bulk = Pages.submit(client, "/dashboard/tasks/bulk", token,
                        java.util.Map.of("csrf", token, "action", "delete", "state", "failed"));
                var delete = Pages.post(client, "/dashboard/tasks/" + failed + "/delete", token, token);

                assertThat(bulk.status()).isEqualTo(403);
                assertThat(bulk.text()).contains("read-only");
                assertThat(delete.status()).isEqualTo(403);
                assertThat(tasks.state(failed)).isEqualTo(DurableState.FAILED);
            }
        }
    }

    @Test
    void aBulkActionWithoutTheTokenOrWithAnUnknownActionIsRefused() {
        var failed = tasks.failed("Mailer.send", "mail", "[]", "boom");
        try (var client = Pages.client(TaskDashboard.builder(tasks.engine))) {
            var dryRun = client.get("/dashboard/tasks/bulk?action=delete&state=failed");
            var cookie = Pages.csrfCookie(dryRun);
            var fields = new java.util.HashMap<>(Pages.hiddenFields(dryRun));
            fields.remove("csrf");

            assertThat(Pages.submit(client, "/dashboard/tasks/bulk", cookie, fields).status()).isEqualTo(403);
            assertThat(client.get("/dashboard/tasks/bulk?action=explode").status()).isEqualTo(400);
            assertThat(tasks.state(failed)).isEqualTo(DurableState.FAILED);
        }
    }
}
