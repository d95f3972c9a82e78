package dev.coda.dashboard;

import dev.coda.EventSink;
import dev.coda.ServerSentEvent;
import dev.coda.durable.DurableState;
import dev.coda.durable.spi.TaskSearch;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The overview's live feed: every open page gets the counts again (as {@link CountsView} HTML, event {@code counts})
 * when they change. The engine is asked at most once per interval, however many pages are open: they share the last
 * answer.
 */
final class LiveCounts {

    private final TaskSearch engine;
    private final Duration interval;
    private Map<String, Map<DurableState, Long>> last;
    private long readAt;

    LiveCounts(TaskSearch engine, Duration interval) {
        this.engine = engine;
        this.interval = interval;
    }

    /** The counts, read again only when the last read is older than the interval. */
    synchronized Map<String, Map<DurableState, Long>> counts() {
        long now = System.nanoTime();
        if (last == null || now - readAt >= interval.toNanos()) {
            last = engine.counts();
            readAt = now;
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
