package dev.coda.durable.internal;

import dev.coda.durable.spi.DurationHistogram;
import dev.coda.durable.spi.TaskStats.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats roll-up as the engines store it: one cell a counter or histogram bucket of a minute, queue and task name,
 * whose count an engine adds to (an upsert, {@code HINCRBY}). {@link #of} takes entries apart; {@link #entries} puts
 * stored cells back together.
 *
 * <pre>{@code
 * for (var cell : StatsCells.of(entries)) upsert(cell.minute(), cell.queue(), cell.name(), cell.metric(), cell.bucket(), cell.count());
 * List<Entry> read = StatsCells.entries(cellsRead);
 * }</pre>
 */
public final class StatsCells {

    /** What a cell counts; {@code stored} is its name in a table or hash. */
    public enum Metric {
        SUCCEEDED("succeeded"), FAILED("failed"), RETRIED("retried"), WAIT("wait"), RUN("run");

        private final String stored;

        Metric(String stored) {
            this.stored = stored;
        }

        public String stored() {
            return stored;
        }

        public static Metric parse(String stored) {
            for (var metric : values()) {
                if (metric.stored.equals(stored)) {
                    return metric;
                }
            }
            throw new IllegalArgumentException("unknown stats metric " + stored);
        }
    }

    /** One count: {@code minute} in epoch minutes, {@code bucket} 0 for the counters. */
    public record Cell(long minute, String queue, String name, Metric metric, int bucket, long count) {
    }

    private StatsCells() {
    }

    /** The cells of these entries that count something. */
    public static List<Cell> of(List<Entry> entries) {
        var out = new ArrayList<Cell>();
        for (var e : entries) {
            long minute = e.minute().getEpochSecond() / 60;
            add(out, minute, e, Metric.SUCCEEDED, 0, e.succeeded());
            add(out, minute, e, Metric.FAILED, 0, e.failed());
            add(out, minute, e, Metric.RETRIED, 0, e.retried());
            e.waits().buckets().forEach((bucket, count) -> add(out, minute, e, Metric.WAIT, bucket, count));
            e.runs().buckets().forEach((bucket, count) -> add(out, minute, e, Metric.RUN, bucket, count));
        }
        return out;
    }

    private static void add(List<Cell> out, long minute, Entry e, Metric metric, int bucket, long count) {
        if (count != 0) {
            out.add(new Cell(minute, e.queue(), e.name(), metric, bucket, count));
        }
    }

    /** Cells put back together: one entry a minute, queue and name (cells of the same one add up), in that order. */
    public static List<Entry> entries(Iterable<Cell> cells) {
        record Key(long minute, String queue, String name) {
        }
        class Sums {
            final long[] counters = new long[3];
            final Map<Integer, Long> waits = new HashMap<>();
            final Map<Integer, Long> runs = new HashMap<>();
        }
        var byKey = new LinkedHashMap<Key, Sums>();
        for (var cell : cells) {
            var sums = byKey.computeIfAbsent(new Key(cell.minute(), cell.queue(), cell.name()), k -> new Sums());
            switch (cell.metric()) {
                case SUCCEEDED -> sums.counters[0] += cell.count();
                case FAILED -> sums.counters[1] += cell.count();
                case RETRIED -> sums.counters[2] += cell.count();
                case WAIT -> sums.waits.merge(cell.bucket(), cell.count(), Long::sum);
                case RUN -> sums.runs.merge(cell.bucket(), cell.count(), Long::sum);
            }
        }
        var out = new ArrayList<Entry>(byKey.size());
        byKey.forEach((key, sums) -> out.add(new Entry(Instant.ofEpochSecond(key.minute() * 60), key.queue(), key.name(),
                sums.counters[0], sums.counters[1], sums.counters[2], DurationHistogram.of(sums.waits), DurationHistogram.of(sums.runs))));
        out.sort(Comparator.comparing(Entry::minute).thenComparing(Entry::queue).thenComparing(Entry::name));
        return out;
    }

    /** The first epoch minute that starts at or after {@code time}: where a window from {@code time} begins or ends. */
    public static long minuteFrom(Instant time) {
        long minute = minuteOf(time);
        return time.equals(Instant.ofEpochSecond(minute * 60)) ? minute : minute + 1;
    }

    /** The epoch minute of {@code time}, rounded down. */
    public static long minuteOf(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), 60);
    }
}
