package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.spi.DurationHistogram;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.TaskStats.Entry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's share of the stats roll-up ({@link TaskStats}): counts outcomes and histograms of queue wait and run time
 * in memory per minute, queue and task name (an add to a counter and to a histogram bucket on the task's path), and
 * adds them to the engine's roll-up every {@code interval} and when it stops. What the engine refuses (unreachable)
 * is kept and sent with the next flush. Names no task is registered under count as {@code unknown}, as in the
 * metrics. Engines without the capability get nothing, at no cost beyond the adds.
 *
 * <pre>{@code
 * var stats = new StatsRecorder(engine.capability(TaskStats.class), name -> tasks.task(name) != null, clock,
 *         Duration.ofSeconds(5), TaskStats.DEFAULT_RETENTION);
 * stats.start("coda-durable-stats-w1");
 * stats.succeeded(task, nanos);
 * stats.stop();   // flushes
 * }</pre>
 */
public final class StatsRecorder {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    private record Key(long minute, String queue, String name) {
    }

    /** One minute of one name on one queue, added to by task threads, drained by the flush. */
    private static final class Counts {
        final LongAdder succeeded = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retried = new LongAdder();
        final AtomicLongArray waits = new AtomicLongArray(DurationHistogram.BUCKETS);
        final AtomicLongArray runs = new AtomicLongArray(DurationHistogram.BUCKETS);

        Entry drain(Key key) {
            return new Entry(Instant.ofEpochSecond(key.minute() * 60), key.queue(), key.name(), succeeded.sumThenReset(),
                    failed.sumThenReset(), retried.sumThenReset(), drain(waits), drain(runs));
        }

        private static DurationHistogram drain(AtomicLongArray buckets) {
            Map<Integer, Long> out = new HashMap<>();
            for (int i = 0; i < buckets.length(); i++) {
                if (buckets.get(i) != 0) {
                    out.put(i, buckets.getAndSet(i, 0));
                }
            }
            return out.isEmpty() ? DurationHistogram.empty() : DurationHistogram.of(out);
        }
    }

    private final TaskStats sink;
    private final Predicate<String> registered;
    private final InstantSource clock;
    private final Duration interval;
    private final Duration retention;
    private final Map<Key, Counts> open = new ConcurrentHashMap<>();
    private final Object flushing = new Object();
    private final List<Entry> unsent = new ArrayList<>();
    private ScheduledExecutorService loop;

    public StatsRecorder(java.util.Optional<TaskStats> sink, Predicate<String> registered, InstantSource clock, Duration interval,
            Duration retention) {
        this.sink = sink.orElse(null);
        this.registered = registered;
        this.clock = clock;
        this.interval = interval;
        this.retention = retention;
    }

    /** An attempt starts: its wait since it was due, when the engine said when that was. */
    public void started(ClaimedTask task) {
        if (task.readyAt() != null) {
            var now = clock.instant();
            long micros = Math.max(0, Duration.between(task.readyAt(), now).toNanos() / 1000);
            counts(task, now).waits.incrementAndGet(DurationHistogram.bucketOf(micros));
        }
    }

    /** It succeeded after running {@code nanos}. */
    public void succeeded(ClaimedTask task, long nanos) {
        var counts = counts(task, clock.instant());
        counts.succeeded.increment();
        counts.runs.incrementAndGet(DurationHistogram.bucketOf(nanos / 1000));
    }

    /** It failed after running {@code nanos} and will run again. */
    public void retried(ClaimedTask task, long nanos) {
        var counts = counts(task, clock.instant());
        counts.retried.increment();
        counts.runs.incrementAndGet(DurationHistogram.bucketOf(nanos / 1000));
    }

    /** It failed for good, after running {@code nanos}, or without running ({@code nanos} negative). */
    public void failed(ClaimedTask task, long nanos) {
        var counts = counts(task, clock.instant());
        counts.failed.increment();
        if (nanos >= 0) {
            counts.runs.incrementAndGet(DurationHistogram.bucketOf(nanos / 1000));
        }
    }

    private Counts counts(ClaimedTask task, Instant now) {
        var key = new Key(StatsCells.minuteOf(now), task.queue(), registered.test(task.name()) ? task.name() : "unknown");
        var counts = open.get(key);
        return counts != null ? counts : open.computeIfAbsent(key, k -> new Counts());
    }

    /** Flushes every interval on a thread of its own. */
    public void start(String threadName) {
        if (sink == null) {
            return;
        }
        loop = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        loop.scheduleWithFixedDelay(this::flush, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the loop, then flushes what is left. */
    public void stop() {
        if (loop != null) {
            loop.shutdown();
            try {
                loop.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }

    /** Adds what was counted since the last flush to the engine's roll-up; kept for the next one if it fails. */
    public void flush() {
        if (sink == null) {
            return;
        }
        synchronized (flushing) {
            long current = StatsCells.minuteOf(clock.instant());
            for (var e : open.entrySet()) {
                add(e.getValue().drain(e.getKey()));
                // a minute that ended over a minute ago gets no more adds: drop it, and take what came meanwhile
                if (e.getKey().minute() < current - 1 && open.remove(e.getKey(), e.getValue())) {
                    add(e.getValue().drain(e.getKey()));
                }
            }
            if (unsent.isEmpty()) {
                return;
            }
            try {
                sink.record(List.copyOf(unsent), clock.instant().minus(retention));
                unsent.clear();
            } catch (RuntimeException e) {
                LOG.warn("Could not add {} entries to the task stats; trying again with the next flush: {}", unsent.size(), e.toString());
            }
        }
    }

    private void add(Entry entry) {
        if (!entry.isEmpty()) {
            unsent.add(entry);
        }
    }
}
