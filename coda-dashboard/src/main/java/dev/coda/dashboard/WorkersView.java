package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskSummary;
import dev.coda.durable.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The workers the engine knows: where each runs, its queues and concurrency, whether its heartbeat is recent, and the
 * running tasks it holds.
 */
final class WorkersView {

    /** A worker silent for longer is shown as probably dead. */
    static final Duration SILENCE = Duration.ofSeconds(30);

    private WorkersView() {
    }

    /** The held tasks a row links to; the count says how many more. */
    static final int HELD_SHOWN = 5;

    /** {@code running}: a page of the running tasks, newest first, whose {@link TaskSummary#worker()} says who holds each. */
    static String render(String root, List<WorkerInfo> workers, TaskPage running, Instant now) {
        if (workers.isEmpty()) {
            return "<p class=\"empty\">No worker is registered.</p>";
        }
        var html = new StringBuilder("<table class=\"workers\"><thead><tr><th>Worker</th><th>Host</th><th class=\"num\">Pid</th>")
                .append("<th>Queues</th><th class=\"num\">Concurrency</th><th>Started</th><th>Last heartbeat</th><th>Health</th><th>Holds</th></tr></thead><tbody>");
        var held = new LinkedHashMap<String, List<TaskSummary>>();
        running.tasks().forEach(task -> held.computeIfAbsent(String.valueOf(task.worker()), w -> new ArrayList<>()).add(task));
        boolean more = running.next() != null;
        for (var worker : workers) {
            boolean stale = worker.staleAt(now, SILENCE);
            html.append("<tr id=\"").append(esc(anchor(worker.id()))).append("\"><td><code>").append(esc(worker.id())).append("</code></td><td>").append(esc(worker.host()))
                    .append("</td><td class=\"num\">").append(worker.pid()).append("</td><td>").append(esc(String.join(", ", worker.queues())))
                    .append("</td><td class=\"num\">").append(worker.concurrency()).append("</td><td>").append(Html.time(worker.startedAt()))
                    .append("</td><td>").append(Html.time(worker.lastHeartbeat())).append("</td><td>")
                    .append(stale ? "<span class=\"badge failed\">silent</span>" : "<span class=\"badge succeeded\">alive</span>")
                    .append("</td><td class=\"held\">");
            holds(html, root, held.getOrDefault(worker.id(), List.of()), more);
            html.append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** How many running tasks the worker holds ("at least" when the running tasks were more than a page), and the first few. */
    private static void holds(StringBuilder html, String root, List<TaskSummary> tasks, boolean more) {
        html.append("<span class=\"held-count\">").append(more && !tasks.isEmpty() ? "at least " : "").append(tasks.size())
                .append("</span>");
        for (var task : tasks.subList(0, Math.min(HELD_SHOWN, tasks.size()))) {
            html.append(" <a class=\"id\" href=\"").append(esc(root + "/tasks/" + task.id())).append("\" title=\"")
                    .append(esc(task.name())).append("\">").append(esc(task.name())).append("</a>");
        }
        if (tasks.size() > HELD_SHOWN) {
            html.append(" <a href=\"").append(esc(root + "/tasks?state=running")).append("\">…</a>");
        }
    }

    /** The id of a worker's row, which the task page links to: {@code worker-} and the worker's id. */
    static String anchor(String workerId) {
        return "worker-" + workerId;
    }
}
