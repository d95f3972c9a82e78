package dev.coda.dashboard;

import dev.coda.EventSink;
import dev.coda.ServerSentEvent;
import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskSearch;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The overview's live feed: every open page gets the counts again (as {@link CountsView} HTML, event {@code counts})
 * when they change. The engine is asked at most once per interval, however many pages are open: they share the last
 * answer; and a count that takes long is asked for less often (at most a fifth of the time is spent counting).
 */
final class LiveCounts {

    /** How many times its own duration a read of the counts waits before the next one, at least. */
    static final int QUIET_FACTOR = 4;

    private final TaskSearch engine;
    private final Duration interval;
    private final LongSupplier nanoTime;
    private Map<String, Map<DurableState, Long>> last;
    private long nextReadAt;

    LiveCounts(TaskSearch engine, Duration interval) {
        this(engine, interval, System::nanoTime);
    }

    LiveCounts(TaskSearch engine, Duration interval, LongSupplier nanoTime) {
        this.engine = engine;
        this.interval = interval;
        this.nanoTime = nanoTime;
    }

    /** The counts, read again only once the interval (or four times the last read's duration, if longer) has passed. */
    synchronized Map<String, Map<DurableState, Long>> counts() {
        long start = nanoTime.getAsLong();
        if (last == null || start - nextReadAt >= 0) {
            last = engine.counts();
            long took = nanoTime.getAsLong() - start;
            nextReadAt = start + Math.max(interval.toNanos(), took * (QUIET_FACTOR + 1));
        }
        return last;
    }

    /** Sends the counts to one page whenever they change, until it goes away. */
    void stream(String root, EventSink sink) throws Exception {
        sink.send(ServerSentEvent.comment("counts of " + root).withRetry(interval.multipliedBy(2)));
        Map<String, Map<DurableState, Long>> sent = null;
        while (sink.isOpen()) {
            var counts = counts();
            if (!Objects.equals(counts, sent)) {
                sink.send(ServerSentEvent.raw(CountsView.render(root, counts)).withEvent("counts"));
                sent = counts;
            }
            Thread.sleep(interval.toMillis());    // the pace of the feed; the sink interrupts it when the page goes away
        }
    }
}
