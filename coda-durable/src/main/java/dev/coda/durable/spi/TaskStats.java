package dev.coda.durable.spi;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * A roll-up of what workers did, per minute, queue and task name: how many tasks succeeded, failed for good and were
 * retried, and histograms of their queue wait (from due to started) and run time. Workers add what they counted
 * every few seconds and when they stop; the engine adds it to what it holds, so several workers and restarts sum, and
 * drops minutes older than the retention given. A capability of every engine: {@code engine.capability(TaskStats.class)}.
 *
 * <pre>{@code
 * var stats = engine.capability(TaskStats.class).orElseThrow();
 * var lastHour = stats.read(now.minus(Duration.ofHours(1)), now, null, null);
 * var runs = lastHour.stream().map(TaskStats.Entry::runs).reduce(DurationHistogram.empty(), DurationHistogram::plus);
 * runs.percentile(0.95);
 * }</pre>
 */
public interface TaskStats {

    /** How long workers keep minutes when nobody says otherwise. */
    Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /**
     * What one minute of one task name on one queue adds up to.
     *
     * @param minute the minute's start (whole minutes, UTC)
     * @param failed tasks that failed for good (retries are counted in {@code retried})
     * @param waits how long attempts waited from due to started
     * @param runs how long attempts ran (successes and failures)
     */
    record Entry(Instant minute, String queue, String name, long succeeded, long failed, long retried,
                 DurationHistogram waits, DurationHistogram runs) {

        public Entry {
            Objects.requireNonNull(queue, "queue");
            Objects.requireNonNull(name, "name");
            if (!minute.equals(minute.truncatedTo(ChronoUnit.MINUTES))) {
                throw new IllegalArgumentException("not the start of a minute: " + minute);
            }
        }

        /** Both entries' counts, under this one's minute, queue and name. */
        public Entry plus(Entry other) {
            return new Entry(minute, queue, name, succeeded + other.succeeded, failed + other.failed, retried + other.retried,
                    waits.plus(other.waits), runs.plus(other.runs));
        }

        /** Whether it counts nothing. */
        public boolean isEmpty() {
            return succeeded == 0 && failed == 0 && retried == 0 && waits.count() == 0 && runs.count() == 0;
        }
    }

    /**
     * Adds these entries to what is stored (an entry of a minute, queue and name already stored adds to it), and drops
     * the minutes that start before {@code keepFrom} (the caller's now less its retention); dropping is cheap when
     * there is nothing to drop, and an engine may skip it until {@code keepFrom} reaches a new minute.
     */
    void record(List<Entry> entries, Instant keepFrom);

    /**
     * The stored entries of the minutes from {@code from} (inclusive) to {@code to} (exclusive), of one queue and one
     * task name or ({@code null}) all, one per minute, queue and name, ordered by minute, queue, name.
     */
    List<Entry> read(Instant from, Instant to, String queue, String name);
}
