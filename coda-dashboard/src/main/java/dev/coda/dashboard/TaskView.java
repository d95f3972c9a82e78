package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskAttempt;
import dev.coda.durable.TaskStatus;
import java.util.List;
import java.util.Map;

/** One task's page: everything its {@link TaskStatus} holds (its attempts as a table), and the retry and cancel buttons its state allows. */
final class TaskView {

    // exact numbers: a big integer or a long decimal in the arguments is shown as stored
    private static final ObjectMapper JSON = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).build();

    private TaskView() {
    }

    static String render(String root, TaskStatus task, boolean mayAct, String csrfToken, String notice) {
        var html = new StringBuilder(notice == null ? "" : notice);
        html.append("<div class=\"task-head\">").append(Layout.badge(task.state())).append("<span class=\"name\">")
                .append(esc(task.name())).append("</span>");
        if (mayAct) {
            if (retryable(task.state())) {
                html.append(action(root, task.id(), "retry", "Retry", csrfToken));
            }
            if (cancellable(task.state())) {
                html.append(action(root, task.id(), "cancel", "Cancel", csrfToken));
            }
        }
        html.append("</div><dl class=\"fields\">");
        field(html, "Id", "<code>" + esc(task.id()) + "</code>");
        field(html, "Queue", "<a href=\"" + esc(root + "/tasks?queue=" + Html.query(task.queue())) + "\">" + esc(task.queue()) + "</a>");
        field(html, "Attempts", task.attempts() + " of " + task.maxAttempts());
        field(html, "Worker", task.worker() == null ? "none yet" : workerLink(root, task.worker()));
        field(html, "Created", Html.time(task.createdAt()));
        field(html, "Runs at", Html.time(task.runAt()));
        field(html, "Last started", Html.time(task.startedAt()));
        field(html, "Finished", Html.time(task.finishedAt()));
        field(html, "Timeout", task.timeout() == null ? "the task's or the worker's" : esc(task.timeout()));
        html.append("</dl>");
        block(html, "Arguments", "arguments", pretty(task.arguments()));
        attempts(html, root, task.history());
        if (task.result() != null) {
            block(html, "Result", "result", pretty(task.result()));
        }
        if (task.lastError() != null) {
            block(html, "Last error", "error", task.lastError());
        }
        return html.toString();
    }

    /** The attempt table, oldest first; an attempt's error (with its stack trace) opens under its row. */
    private static void attempts(StringBuilder html, String root, List<TaskAttempt> history) {
        if (history.isEmpty()) {
            return;
        }
        html.append("<section class=\"block\"><h2>Attempts</h2><table class=\"attempts\"><thead><tr><th class=\"num\">#</th>")
                .append("<th>Worker</th><th>Started</th><th>Finished</th><th class=\"num\">Duration</th><th>Outcome</th><th>Error</th>")
                .append("</tr></thead><tbody>");
        for (var attempt : history) {
            var duration = attempt.duration();
            html.append("<tr><td class=\"num\">").append(attempt.number()).append("</td><td>")
                    .append(attempt.worker() == null ? "" : workerLink(root, attempt.worker())).append("</td><td>")
                    .append(Html.time(attempt.startedAt())).append("</td><td>").append(Html.time(attempt.finishedAt()))
                    .append("</td><td class=\"num\">").append(duration == null ? "" : esc(duration.toMillis() + " ms"))
                    .append("</td><td><span class=\"badge ").append(OUTCOME_CLASS.get(attempt.outcome())).append("\">")
                    .append(esc(attempt.outcome().label())).append("</span></td><td class=\"error\">");
            if (attempt.error() != null) {
                var firstLine = attempt.error().lines().findFirst().orElse("");
                html.append("<details><summary>").append(esc(firstLine)).append("</summary><pre class=\"error\">")
                        .append(esc(attempt.error())).append("</pre></details>");
            }
            html.append("</td></tr>");
        }
        html.append("</tbody></table></section>");
    }

    private static final Map<TaskAttempt.Outcome, String> OUTCOME_CLASS = Map.of(TaskAttempt.Outcome.RUNNING, "running",
            TaskAttempt.Outcome.SUCCEEDED, "succeeded", TaskAttempt.Outcome.RETRIED, "scheduled", TaskAttempt.Outcome.FAILED, "failed",
            TaskAttempt.Outcome.LOST, "cancelled");

    /** A worker's id, linking to its row on the workers page. */
    private static String workerLink(String root, String worker) {
        return "<a href=\"" + esc(root + "/workers#" + WorkersView.anchor(worker)) + "\"><code>" + esc(worker) + "</code></a>";
    }

    static boolean retryable(DurableState state) {
        return state == DurableState.FAILED || state == DurableState.CANCELLED;
    }

    static boolean cancellable(DurableState state) {
        return state == DurableState.QUEUED || state == DurableState.SCHEDULED;
    }

    private static String action(String root, String id, String verb, String label, String csrfToken) {
        return "<form class=\"action\" method=\"post\" action=\"" + esc(root + "/tasks/" + Html.query(id) + "/" + verb) + "\">"
                + "<input type=\"hidden\" name=\"" + Csrf.FIELD + "\" value=\"" + esc(csrfToken) + "\">"
                + "<button type=\"submit\" class=\"" + verb + "\" data-confirm=\"" + esc(label + " this task?") + "\">"
                + esc(label) + "</button></form>";
    }

    private static void field(StringBuilder html, String label, String valueHtml) {
        html.append("<dt>").append(esc(label)).append("</dt><dd>").append(valueHtml).append("</dd>");
    }

    private static void block(StringBuilder html, String title, String kind, String text) {
        html.append("<section class=\"block\"><h2>").append(esc(title)).append("</h2><pre class=\"").append(kind).append("\">")
                .append(esc(text)).append("</pre></section>");
    }

    /** JSON indented for reading; text that is not JSON as it is. */
    private static String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            return JSON.writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
