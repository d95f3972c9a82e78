package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskSummary;
import java.util.Locale;

/** The list of tasks: the search form, the bulk actions, one page of tasks (newest first), and the link to the next page. */
final class TaskListView {

    private TaskListView() {
    }

    /** The list; {@code mayAct}: with the links to the bulk actions on its filter. */
    static String render(String root, ListFilter filter, TaskPage page, boolean firstPage, String notice, boolean mayAct) {
        var html = new StringBuilder(notice == null ? "" : notice);
        html.append(form(root, filter));
        if (mayAct) {
            html.append(BulkView.links(root, filter));
        }
        if (page.tasks().isEmpty() && page.next() != null) {
            html.append("<p class=\"empty\">No match among the next ").append(String.format(Locale.ROOT, "%,d", TaskQuery.TEXT_SCAN))
                    .append(" tasks of each state: text is searched that many at a time. Go on with the next page.</p>");
        } else if (page.tasks().isEmpty()) {
            html.append("<p class=\"empty\">No tasks match.</p>");
        } else {
            html.append("<table class=\"tasks\"><thead><tr><th>Task</th><th>Name</th><th>Queue</th><th>State</th>")
                    .append("<th class=\"num\">Attempts</th><th>Created (UTC)</th><th>Finished</th><th>Last error</th></tr></thead><tbody>");
            page.tasks().forEach(task -> row(html, root, task));
            html.append("</tbody></table>");
        }
        html.append("<nav class=\"pages\">");
        var filters = filter.queryString();
        if (!firstPage) {
            html.append("<a href=\"").append(esc(root + "/tasks" + (filters.isEmpty() ? "" : "?" + filters))).append("\">First page</a>");
        }
        if (page.next() != null) {
            html.append("<a rel=\"next\" href=\"").append(esc(root + "/tasks?" + filters + (filters.isEmpty() ? "" : "&")
                    + "after=" + Html.query(page.next()))).append("\">Next page →</a>");
        }
        return html.append("</nav>").toString();
    }

    private static void row(StringBuilder html, String root, TaskSummary task) {
        html.append("<tr><td><a class=\"id\" href=\"").append(esc(root + "/tasks/" + Html.query(task.id()))).append("\">")
                .append(esc(task.id())).append("</a></td><td>").append(esc(task.name())).append("</td><td>").append(esc(task.queue()))
                .append("</td><td>").append(Layout.badge(task.state())).append("</td><td class=\"num\">").append(task.attempts())
                .append('/').append(task.maxAttempts()).append("</td><td>").append(Html.shortTime(task.createdAt())).append("</td><td>")
                .append(Html.shortTime(task.finishedAt())).append("</td><td class=\"error\">").append(esc(task.error())).append("</td></tr>");
    }

    private static String form(String root, ListFilter filter) {
        var html = new StringBuilder("<form class=\"search\" method=\"get\" action=\"").append(esc(root + "/tasks")).append("\">");
        html.append("<label>Id <input type=\"text\" name=\"id\" placeholder=\"task id\"></label>");
        html.append("<label>State <select name=\"state\"><option value=\"\">any</option>");
        for (var state : DurableState.values()) {
            html.append("<option").append(state == filter.state() ? " selected" : "").append(">").append(CountsView.css(state))
                    .append("</option>");
        }
        html.append("</select></label>");
        field(html, "Name", "name", filter.name(), "text", "FileJobs.process");
        field(html, "Queue", "queue", filter.queue(), "text", "default");
        field(html, "Created from", "from", filter.from(), "datetime-local", "");
        field(html, "Created before", "before", filter.before(), "datetime-local", "");
        field(html, "Error text", "error", filter.error(), "search", "connection refused");
        field(html, "Argument text", "args", filter.args(), "search", "ada@example.com");
        return html.append("<button type=\"submit\">Search</button></form>").toString();
    }

    private static void field(StringBuilder html, String label, String name, String value, String type, String placeholder) {
        html.append("<label>").append(esc(label)).append(" <input type=\"").append(type).append("\" name=\"").append(name)
                .append("\" value=\"").append(esc(value)).append("\"")
                .append(placeholder.isEmpty() ? "" : " placeholder=\"" + esc(placeholder) + "\"")
                .append(type.equals("datetime-local") ? " step=\"1\"" : "").append("></label>");
    }
}
