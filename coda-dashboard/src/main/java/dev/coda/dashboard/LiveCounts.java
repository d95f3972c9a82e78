package dev.coda.dashboard;

import dev.coda.EventSink;
import dev.coda.ServerSentEvent;
import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskSearch;
import dev.coda.durable.spi.TaskStats;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The overview's live feed: every open page gets the counts again (as {@link CountsView} HTML, event {@code counts})
 * and the last hour's activity (as {@link ActivityView} HTML, event {@code activity}) when they change. The engine is
 * asked for each at most once per interval, however many pages are open: they share the last answer; and a read that
 * takes long is made less often (at most a fifth of the time is spent reading).
 */
final class LiveCounts {

    /** How many times its own duration a read waits before the next one, at least. */
    static final int QUIET_FACTOR = 4;

    private final Reading<Map<String, Map<DurableState, Long>>> counts;
    private final Reading<Optional<ActivityView.Window>> activity;
    private final Duration interval;

    LiveCounts(TaskSearch engine, Duration interval) {
        this(engine, Optional.empty(), InstantSource.system(), interval, System::nanoTime);
    }

    LiveCounts(TaskSearch engine, Duration interval, LongSupplier nanoTime) {
        this(engine, Optional.empty(), InstantSource.system(), interval, nanoTime);
    }

    LiveCounts(TaskSearch engine, Optional<TaskStats> stats, InstantSource clock, Duration interval, LongSupplier nanoTime) {
        this.interval = interval;
        this.counts = new Reading<>(engine::counts, interval, nanoTime);
        this.activity = new Reading<>(() -> stats.map(s -> ActivityView.Window.read(s, clock)), interval, nanoTime);
    }

    /** The counts, read again only once the interval (or four times the last read's duration, if longer) has passed. */
    Map<String, Map<DurableState, Long>> counts() {
        return counts.get();
    }

    /** The last hour's activity, read as the counts are; empty when the engine keeps no stats. */
    Optional<ActivityView.Window> activity() {
        return activity.get();
    }

    /** Sends the counts and the activity to one page whenever they change, until it goes away. */
    void stream(String root, EventSink sink) throws Exception {
        sink.send(ServerSentEvent.comment("counts of " + root).withRetry(interval.multipliedBy(2)));
        Map<String, Map<DurableState, Long>> sentCounts = null;
        Optional<ActivityView.Window> sentActivity = null;
        while (sink.isOpen()) {
            var now = counts();
            if (!Objects.equals(now, sentCounts)) {
                sink.send(ServerSentEvent.raw(CountsView.render(root, now)).withEvent("counts"));
                sentCounts = now;
            }
            var hour = activity();
            if (!Objects.equals(hour, sentActivity)) {
                sink.send(ServerSentEvent.raw(ActivityView.render(root, hour)).withEvent("activity"));
                sentActivity = hour;
            }
            Thread.sleep(interval.toMillis());    // the pace of the feed; the sink interrupts it when the page goes away
        }
    }

    /** One read shared by every page: made again once the interval (or four times its last duration) has passed. */
    private static final class Reading<T> {
        private final Supplier<T> read;
        private final Duration interval;
        private final LongSupplier nanoTime;
        private T last;
        private long nextReadAt;

        Reading(Supplier<T> read, Duration interval, LongSupplier nanoTime) {
            this.read = read;
            this.interval = interval;
            this.nanoTime = nanoTime;
        }

        synchronized T get() {
            long start = nanoTime.getAsLong();
            if (last == null || start - nextReadAt >= 0) {
                last = read.get();
                long took = nanoTime.getAsLong() - start;
                nextReadAt = start + Math.max(interval.toNanos(), took * (QUIET_FACTOR + 1));
            }
            return last;
        }
    }
}
