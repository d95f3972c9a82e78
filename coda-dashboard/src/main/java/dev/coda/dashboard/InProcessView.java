package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.tasks.RecentTasks;
import java.util.List;
import java.util.Locale;

/**
 * The in-process tasks of this process ({@link dev.coda.tasks.TaskRuntime#recent()}): running now, the last failed with
 * their error, the last finished. They live in this process's memory only: another process shows its own.
 */
final class InProcessView {

    private InProcessView() {
    }

    /** The page's content; {@code recent} is {@code null} when the dashboard was given no runtime. */
    static String render(RecentTasks recent) {
        if (recent == null) {
            return "<p class=\"empty\">This dashboard shows no in-process tasks: give it the app's runtime with "
                    + "<code>TaskDashboard.builder(engine).inProcess(runtime)</code>.</p>";
        }
        return "<p class=\"hint\">Background tasks run in this process, not stored: the ones running now and the last "
                + RecentTasks.KEPT + " finished and failed, kept in memory (another process shows its own).</p>"
                + section("running", "Running now", recent.running(), "No in-process task is running.")
                + section("failed", "Failed", recent.failed(), "No in-process task has failed lately.")
                + section("finished", "Finished", recent.finished(), "No in-process task has finished yet.");
    }

    private static String section(String id, String title, List<RecentTasks.Run> runs, String none) {
        var html = new StringBuilder("<section class=\"block\" id=\"in-process-").append(id).append("\"><h2>").append(esc(title))
                .append(" <span class=\"count\">").append(runs.size()).append("</span></h2>");
        if (runs.isEmpty()) {
            return html.append("<p class=\"empty\">").append(esc(none)).append("</p></section>").toString();
        }
        html.append("<table class=\"tasks\"><thead><tr><th>Task</th><th>Id</th><th>State</th><th>Started</th><th>Finished</th>")
                .append("<th>Error</th></tr></thead><tbody>");
        for (var run : runs) {
            var state = run.state().name().toLowerCase(Locale.ROOT);
            html.append("<tr data-id=\"").append(esc(run.id())).append("\"><td>").append(esc(run.name()))
                    .append("</td><td><code class=\"id\">").append(esc(run.id())).append("</code></td><td><span class=\"badge ")
                    .append(esc(state)).append("\">").append(esc(state)).append("</span></td><td>").append(Html.shortTime(run.started()))
                    .append("</td><td>").append(Html.shortTime(run.finished())).append("</td><td class=\"error\">")
                    .append(run.error() == null ? "" : esc(run.error())).append("</td></tr>");
        }
        return html.append("</tbody></table></section>").toString();
    }
}
