package dev.coda.dashboard;

import static dev.coda.dashboard.Html.esc;

import dev.coda.durable.spi.DurationHistogram;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.TaskStats.Entry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The overview's activity over the last hour, from the engine's {@link TaskStats} roll-up: tasks succeeded and failed
 * per minute (stacked bars) and the failure rate per minute (a line), both inline SVG drawn here with classes for the
 * style sheet, then a row per task name with its counts and its queue wait and run time, p50 and p95, read from the
 * histograms merged over the hour and the queues. The page shows it; the live feed sends it again when it changes.
 */
final class ActivityView {

    /** The minutes shown. */
    static final int MINUTES = 60;
    private static final int WIDTH = 600;
    private static final int HEIGHT = 120;
    private static final double SLOT = (double) WIDTH / MINUTES;
    private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    /** The last hour's entries: the minutes from {@code from} to {@code to} (exclusive), the current one last. */
    record Window(Instant from, Instant to, List<Entry> entries) {

        /** The hour up to and with the current minute, read from {@code stats}. */
        static Window read(TaskStats stats, InstantSource clock) {
            var to = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            var from = to.minus(Duration.ofMinutes(MINUTES));
            return new Window(from, to, stats.read(from, to, null, null));
        }
    }

    private ActivityView() {
    }

    /** The activity section's content; a note when the engine keeps no stats. */
    static String render(String root, Optional<Window> window) {
        if (window.isEmpty()) {
            return "<p class=\"empty\">This engine keeps no stats of its tasks.</p>";
        }
        var w = window.get();
        long[] succeeded = new long[MINUTES];
        long[] failed = new long[MINUTES];
        var byName = new TreeMap<String, Entry>();
        for (var e : w.entries()) {
            int slot = (int) Duration.between(w.from(), e.minute()).toMinutes();
            if (slot >= 0 && slot < MINUTES) {
                succeeded[slot] += e.succeeded();
                failed[slot] += e.failed();
            }
            byName.merge(e.name(), e, Entry::plus);
        }
        long allSucceeded = sum(succeeded);
        long allFailed = sum(failed);
        var html = new StringBuilder("<div class=\"charts\"><figure class=\"chart\"><figcaption>Finished a minute, last hour: <b data-sum=\"succeeded\">")
                .append(allSucceeded).append("</b> succeeded, <b data-sum=\"failed\">").append(allFailed).append("</b> failed</figcaption>")
                .append(throughput(w.from(), succeeded, failed))
                .append("</figure><figure class=\"chart\"><figcaption>Failure rate a minute: <b data-sum=\"rate\">")
                .append(percent(allFailed, allSucceeded + allFailed)).append("</b> over the hour</figcaption>")
                .append(failureRate(w.from(), succeeded, failed)).append("</figure></div>");
        if (byName.isEmpty()) {
            return html.append("<p class=\"empty\">No task finished in the last hour.</p>").toString();
        }
        html.append("<table class=\"timings\"><thead><tr><th>Task</th><th class=\"num\">Succeeded</th><th class=\"num\">Failed</th>")
                .append("<th class=\"num\">Retried</th><th class=\"num\">Wait p50</th><th class=\"num\">Wait p95</th>")
                .append("<th class=\"num\">Run p50</th><th class=\"num\">Run p95</th></tr></thead><tbody>");
        byName.forEach((name, e) -> html.append("<tr data-task=\"").append(esc(name)).append("\"><th scope=\"row\"><a href=\"")
                .append(esc(root + "/tasks?name=" + Html.query(name))).append("\">").append(esc(name)).append("</a></th>")
                .append(num("succeeded", e.succeeded())).append(num("failed", e.failed())).append(num("retried", e.retried()))
                .append(time("wait-p50", e.waits(), 0.50)).append(time("wait-p95", e.waits(), 0.95))
                .append(time("run-p50", e.runs(), 0.50)).append(time("run-p95", e.runs(), 0.95)).append("</tr>"));
        return html.append("</tbody></table><p class=\"note\">Percentiles from histograms merged over the hour, within 6.25 %.</p>")
                .toString();
    }

    /** Succeeded with failed stacked above, a bar a minute, scaled to the busiest minute. */
    private static String throughput(Instant from, long[] succeeded, long[] failed) {
        long most = 0;
        for (int i = 0; i < MINUTES; i++) {
            most = Math.max(most, succeeded[i] + failed[i]);
        }
        long top = niceCeiling(most);
        var svg = open("throughput", "Tasks succeeded and failed a minute, last hour");
        axes(svg, top + "", from);
        for (int i = 0; i < MINUTES; i++) {
            if (succeeded[i] + failed[i] == 0) {
                continue;
            }
            double ok = HEIGHT * (double) succeeded[i] / top;
            double bad = HEIGHT * (double) failed[i] / top;
            double x = i * SLOT + 1;
            svg.append("<g data-minute=\"").append(HOUR_MINUTE.format(from.plus(Duration.ofMinutes(i)))).append("\"><title>")
                    .append(HOUR_MINUTE.format(from.plus(Duration.ofMinutes(i)))).append(" UTC: ").append(succeeded[i])
                    .append(" succeeded, ").append(failed[i]).append(" failed</title>");
            rect(svg, "succeeded", x, HEIGHT - ok, ok);
            rect(svg, "failed", x, HEIGHT - ok - bad, bad);
            svg.append("</g>");
        }
        return svg.append("</svg>").toString();
    }

    /** Failed / finished a minute, up to the worst minute's rate (10 % at least); minutes where nothing finished leave a gap. */
    private static String failureRate(Instant from, long[] succeeded, long[] failed) {
        long worst = 0;
        for (int i = 0; i < MINUTES; i++) {
            if (succeeded[i] + failed[i] > 0) {
                worst = Math.max(worst, (long) Math.ceil(100.0 * failed[i] / (succeeded[i] + failed[i])));
            }
        }
        long top = Math.max(10, niceCeiling(worst));
        var svg = open("failure-rate", "Failure rate a minute, last hour");
        axes(svg, top + " %", from);
        var path = new StringBuilder();
        boolean drawing = false;
        for (int i = 0; i < MINUTES; i++) {
            long finished = succeeded[i] + failed[i];
            if (finished == 0) {
                drawing = false;
                continue;
            }
            double x = i * SLOT + SLOT / 2;
            double y = HEIGHT - HEIGHT * (100.0 * failed[i] / finished) / top;
            path.append(drawing ? " L" : " M").append(fmt(x)).append(' ').append(fmt(y));
            drawing = true;
            svg.append("<circle class=\"rate\" cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"2\"><title>")
                    .append(HOUR_MINUTE.format(from.plus(Duration.ofMinutes(i)))).append(" UTC: ").append(percent(failed[i], finished))
                    .append(" failed</title></circle>");
        }
        if (!path.isEmpty()) {
            svg.append("<path class=\"rate\" d=\"").append(path.substring(1)).append("\"></path>");
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open(String kind, String label) {
        return new StringBuilder("<svg class=\"chart ").append(kind).append("\" viewBox=\"-40 -8 ").append(WIDTH + 50).append(' ')
                .append(HEIGHT + 24).append("\" role=\"img\" aria-label=\"").append(label).append("\">");
    }

    /** The frame: a base line, the top value, and the hour's first minute and "now" under it. */
    private static void axes(StringBuilder svg, String top, Instant from) {
        svg.append("<line class=\"grid\" x1=\"0\" y1=\"0\" x2=\"").append(WIDTH).append("\" y2=\"0\"></line>")
                .append("<line class=\"axis\" x1=\"0\" y1=\"").append(HEIGHT).append("\" x2=\"").append(WIDTH).append("\" y2=\"")
                .append(HEIGHT).append("\"></line>")
                .append("<text class=\"label\" x=\"-4\" y=\"4\" text-anchor=\"end\">").append(esc(top)).append("</text>")
                .append("<text class=\"label\" x=\"-4\" y=\"").append(HEIGHT).append("\" text-anchor=\"end\">0</text>")
                .append("<text class=\"label\" x=\"0\" y=\"").append(HEIGHT + 14).append("\">").append(HOUR_MINUTE.format(from))
                .append(" UTC</text><text class=\"label\" x=\"").append(WIDTH).append("\" y=\"").append(HEIGHT + 14)
                .append("\" text-anchor=\"end\">now</text>");
    }

    private static void rect(StringBuilder svg, String kind, double x, double y, double height) {
        if (height > 0) {
            svg.append("<rect class=\"").append(kind).append("\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(y))
                    .append("\" width=\"").append(fmt(SLOT - 2)).append("\" height=\"").append(fmt(height)).append("\"></rect>");
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code n} (and at least 1). */
    static long niceCeiling(long n) {
        long power = 1;
        while (true) {
            for (long step : new long[] {1, 2, 5}) {
                if (step * power >= n) {
                    return step * power;
                }
            }
            power *= 10;
        }
    }

    private static String num(String kind, long n) {
        return "<td class=\"num\" data-col=\"" + kind + "\">" + (n == 0 ? "<span class=\"zero\">0</span>" : Long.toString(n)) + "</td>";
    }

    private static String time(String kind, DurationHistogram histogram, double fraction) {
        return "<td class=\"num\" data-col=\"" + kind + "\">" + histogram.percentile(fraction).map(ActivityView::duration)
                .orElse("<span class=\"zero\">–</span>") + "</td>";
    }

    /** A duration in the unit that suits it: µs, ms, s or min, three significant digits at most. */
    static String duration(Duration d) {
        double micros = d.toNanos() / 1000.0;
        if (micros < 1000) {
            return String.format(Locale.ROOT, "%.0f µs", micros);
        }
        if (micros < 1_000_000) {
            return significant(micros / 1000) + " ms";
        }
        if (micros < 60_000_000) {
            return significant(micros / 1_000_000) + " s";
        }
        return significant(micros / 60_000_000) + " min";
    }

    private static String significant(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.2f" : value < 100 ? "%.1f" : "%.0f", value);
    }

    private static String percent(long part, long whole) {
        return whole == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long v : values) {
            sum += v;
        }
        return sum;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
