package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.HttpException;
import dev.coda.durable.spi.TaskAdmin.BulkAction;
import dev.coda.durable.spi.TaskAdmin.BulkResult;
import java.util.Locale;

/**
 * A bulk action on the list's filter: the dry run's page ("this will retry 1,234 tasks") with its confirmation form, and
 * the page of what the action did. The form carries the filter (its creation bound pinned at the dry run) and the CSRF
 * token; only the numbers the engine counted are shown, never text from the request.
 */
final class BulkView {

    private BulkView() {
    }

    /** The action a form or link names: {@code retry}, {@code cancel} or {@code delete}. */
    static BulkAction action(String text) {
        try {
            return BulkAction.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new HttpException(400, "no such bulk action: " + text + " (retry, cancel or delete)");
        }
    }

    static String verb(BulkAction action) {
        return action.name().toLowerCase(Locale.ROOT);
    }

    static String label(BulkAction action) {
        var verb = verb(action);
        return Character.toUpperCase(verb.charAt(0)) + verb.substring(1);
    }

    /** The links of the list page that open the dry run of each action on its filter. */
    static String links(String root, ListFilter filter) {
        var filters = filter.queryString();
        var html = new StringBuilder("<nav class=\"bulk\"><span>Every task of this search:</span>");
        for (var action : BulkAction.values()) {
            html.append("<a class=\"bulk-").append(verb(action)).append("\" href=\"")
                    .append(esc(root + "/tasks/bulk?action=" + verb(action) + (filters.isEmpty() ? "" : "&" + filters))).append("\">")
                    .append(label(action)).append("…</a>");
        }
        return html.append("</nav>").toString();
    }

    /** The dry run: how many tasks the action would change, and the form that confirms it. */
    static String dryRun(String root, BulkAction action, ListFilter filter, long count, String csrfToken) {
        var states = action.states().stream().map(CountsView::css).sorted().toList();
        var html = new StringBuilder("<p class=\"dry-run\" data-count=\"").append(count).append("\">This will ").append(verb(action))
                .append(' ').append(tasks(count)).append(".</p>");
        html.append("<p class=\"hint\">Only the tasks of this search that are ").append(esc(String.join(", ", states)))
                .append(", created before ").append(esc(filter.before().replace('T', ' ').replace("Z", ""))).append(" UTC (when this count was made")
                .append(", unless the search's bound is earlier); each is ")
                .append("decided again when the action reaches it.</p>");
        if (count > 0) {
            html.append("<form class=\"confirm\" method=\"post\" action=\"").append(esc(root + "/tasks/bulk")).append("\">")
                    .append("<input type=\"hidden\" name=\"").append(Csrf.FIELD).append("\" value=\"").append(esc(csrfToken)).append("\">")
                    .append("<input type=\"hidden\" name=\"action\" value=\"").append(verb(action)).append("\">")
                    .append(filter.hiddenFields())
                    .append("<button type=\"submit\" class=\"").append(verb(action)).append("\">").append(label(action)).append(' ')
                    .append(tasks(count)).append("</button></form>");
        }
        return html.append(backLink(root, filter)).toString();
    }

    /** What the action did. */
    static String result(String root, BulkResult result, ListFilter filter) {
        var html = new StringBuilder();
        var verb = verb(result.action());
        var past = switch (result.action()) {
            case RETRY -> "Retried";
            case CANCEL -> "Cancelled";
            case DELETE -> "Deleted";
        };
        html.append(Layout.notice("ok", past + " " + tasks(result.done()) + "."));
        if (result.conflicts() > 0) {
            html.append(Layout.notice("problem", "Not retried: " + tasks(result.conflicts()) + ", because another queued, scheduled or "
                    + "running task holds the unique key of each. Retry them once those have finished."));
        }
        if (result.skipped() > 0) {
            html.append(Layout.notice("problem", "Not " + (verb.equals("retry") ? "retried" : past.toLowerCase(Locale.ROOT)) + ": "
                    + tasks(result.skipped()) + " that had changed state meanwhile."));
        }
        return html.append(backLink(root, filter)).toString();
    }

    private static String backLink(String root, ListFilter filter) {
        var filters = filter.queryString();
        return "<p><a class=\"back\" href=\"" + esc(root + "/tasks" + (filters.isEmpty() ? "" : "?" + filters)) + "\">← Back to the list</a></p>";
    }

    /** {@code 1 task}, {@code 1,234 tasks}. */
    static String tasks(long count) {
        return String.format(Locale.ROOT, "%,d %s", count, count == 1 ? "task" : "tasks");
    }
}
