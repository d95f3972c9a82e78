package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.spi.WorkerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The workers the engine knows: where each runs, its queues and concurrency, and whether its heartbeat is recent. */
final class WorkersView {

    /** A worker silent for longer is shown as probably dead. */
    static final Duration SILENCE = Duration.ofSeconds(30);

    private WorkersView() {
    }

    static String render(List<WorkerInfo> workers, Instant now) {
        if (workers.isEmpty()) {
            return "<p class=\"empty\">No worker is registered.</p>";
        }
        var html = new StringBuilder("<table class=\"workers\"><thead><tr><th>Worker</th><th>Host</th><th class=\"num\">Pid</th>")
                .append("<th>Queues</th><th class=\"num\">Concurrency</th><th>Started</th><th>Last heartbeat</th><th>Health</th></tr></thead><tbody>");
        for (var worker : workers) {
            boolean stale = worker.staleAt(now, SILENCE);
            html.append("<tr id=\"").append(esc(anchor(worker.id()))).append("\"><td><code>").append(esc(worker.id())).append("</code></td><td>").append(esc(worker.host()))
                    .append("</td><td class=\"num\">").append(worker.pid()).append("</td><td>").append(esc(String.join(", ", worker.queues())))
                    .append("</td><td class=\"num\">").append(worker.concurrency()).append("</td><td>").append(Html.time(worker.startedAt()))
                    .append("</td><td>").append(Html.time(worker.lastHeartbeat())).append("</td><td>")
                    .append(stale ? "<span class=\"badge failed\">silent</span>" : "<span class=\"badge succeeded\">alive</span>")
                    .append("</td></tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** The id of a worker's row, which the task page links to: {@code worker-} and the worker's id. */
    static String anchor(String workerId) {
        return "worker-" + workerId;
    }
}
