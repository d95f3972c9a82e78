package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.DurableState;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The overview's counts as HTML: a total per state, then a row per queue with its counts (each a link to the list of
 * those tasks) and a bar of its states drawn in SVG. The page shows it first; the live feed sends it again when the
 * counts change, and the script swaps it in: one renderer, one escaping.
 */
final class CountsView {

    private CountsView() {
    }

    static String render(String root, Map<String, Map<DurableState, Long>> counts) {
        var queues = new TreeMap<>(counts);
        var totals = new EnumMap<DurableState, Long>(DurableState.class);
        for (var state : DurableState.values()) {
            totals.put(state, queues.values().stream().mapToLong(byState -> byState.getOrDefault(state, 0L)).sum());
        }
        var html = new StringBuilder("<div class=\"totals\">");
        for (var state : DurableState.values()) {
            html.append("<a class=\"total ").append(css(state)).append("\" href=\"").append(esc(listHref(root, state, null)))
                    .append("\"><span class=\"n\" data-total=\"").append(css(state)).append("\">").append(totals.get(state))
                    .append("</span><span class=\"label\">").append(css(state)).append("</span></a>");
        }
        html.append("</div>");
        if (queues.isEmpty()) {
            return html.append("<p class=\"empty\">No tasks yet.</p>").toString();
        }
        html.append("<table class=\"counts\"><thead><tr><th>Queue</th>");
        for (var state : DurableState.values()) {
            html.append("<th class=\"num\">").append(css(state)).append("</th>");
        }
        html.append("<th class=\"bar\">States</th></tr></thead><tbody>");
        queues.forEach((queue, byState) -> {
            html.append("<tr data-queue=\"").append(esc(queue)).append("\"><th scope=\"row\"><a href=\"")
                    .append(esc(root + "/tasks?queue=" + Html.query(queue))).append("\">").append(esc(queue)).append("</a></th>");
            for (var state : DurableState.values()) {
                long n = byState.getOrDefault(state, 0L);
                html.append("<td class=\"num\" data-state=\"").append(css(state)).append("\">")
                        .append(n == 0 ? "<span class=\"zero\">0</span>"
                                : "<a href=\"" + esc(listHref(root, state, queue)) + "\">" + n + "</a>")
                        .append("</td>");
            }
            html.append("<td class=\"bar\">").append(bar(byState)).append("</td></tr>");
        });
        return html.append("</tbody></table>").toString();
    }

    /** The queue's states side by side, as wide as their share: SVG attributes, so the style policy needs no inline style. */
    private static String bar(Map<DurableState, Long> byState) {
        long all = byState.values().stream().mapToLong(Long::longValue).sum();
        var svg = new StringBuilder("<svg class=\"states\" viewBox=\"0 0 100 8\" preserveAspectRatio=\"none\" role=\"img\">");
        if (all == 0) {
            return svg.append("<rect class=\"none\" x=\"0\" y=\"0\" width=\"100\" height=\"8\"></rect></svg>").toString();
        }
        double x = 0;
        for (var state : DurableState.values()) {
            long n = byState.getOrDefault(state, 0L);
            if (n == 0) {
                continue;
            }
            double width = 100.0 * n / all;
            svg.append(String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.3f\" y=\"0\" width=\"%.3f\" height=\"8\"><title>%s: %d</title></rect>",
                    css(state), x, width, css(state), n));
            x += width;
        }
        return svg.append("</svg>").toString();
    }

    static String listHref(String root, DurableState state, String queue) {
        return root + "/tasks?state=" + css(state) + (queue == null ? "" : "&queue=" + Html.query(queue));
    }

    static String css(DurableState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
