package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskStatus;

/** One task's page: everything its {@link TaskStatus} holds, and the retry, cancel and delete buttons its state allows. */
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
            if (task.state() != DurableState.RUNNING) {
                html.append(action(root, task.id(), "delete", "Delete", csrfToken));
            }
        }
        html.append("</div><dl class=\"fields\">");
        field(html, "Id", "<code>" + esc(task.id()) + "</code>");
        field(html, "Queue", "<a href=\"" + esc(root + "/tasks?queue=" + Html.query(task.queue())) + "\">" + esc(task.queue()) + "</a>");
        field(html, "Attempts", task.attempts() + " of " + task.maxAttempts());
        field(html, "Created", Html.time(task.createdAt()));
        field(html, "Runs at", Html.time(task.runAt()));
        field(html, "Last started", Html.time(task.startedAt()));
        field(html, "Finished", Html.time(task.finishedAt()));
        field(html, "Timeout", task.timeout() == null ? "the task's or the worker's" : esc(task.timeout()));
        html.append("</dl>");
        block(html, "Arguments", "arguments", pretty(task.arguments()));
        if (task.result() != null) {
            block(html, "Result", "result", pretty(task.result()));
        }
        if (task.lastError() != null) {
            block(html, "Last error", "error", task.lastError());
        }
        return html.toString();
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
