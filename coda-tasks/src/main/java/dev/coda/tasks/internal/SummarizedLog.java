package dev.coda.tasks.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A log line for an event that may repeat thousands of times a second (a refused request, an engine that
 * is down): the first occurrence is logged at once, later ones at most once per interval, as one line that
 * counts the occurrences since the previous line. Not part of Coda's API.
 *
 * <pre>{@code
 * var refusals = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
 * refusals.record("Refused {} (request {}): the task queue is full", origin, requestId);
 * // WARN Refused POST /mail (request r-1): the task queue is full
 * // WARN Refused POST /mail (request r-9): the task queue is full [and 7 more like it since 12:00:01Z]
 * }</pre>
 */
public final class SummarizedLog {

    private final Logger logger;
    private final Level level;
    private final long intervalMillis;
    private final InstantSource clock;
    /** Occurrences not yet in a line. */
    private final AtomicLong unlogged = new AtomicLong();
    /** When the last line was written, in the clock's milliseconds; {@code Long.MIN_VALUE} before the first. */
    private final AtomicLong lastLine = new AtomicLong(Long.MIN_VALUE);

    public SummarizedLog(Logger logger, Level level, Duration interval, InstantSource clock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.level = Objects.requireNonNull(level, "level");
        this.intervalMillis = interval.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("negative interval: " + interval);
        }
    }

    /**
     * Counts one occurrence; logs it, with the count of those not logged since the last line, if no line was
     * written within the interval. {@code format} and {@code arguments} are SLF4J's, without a throwable:
     * a repeated event is logged without its stack trace.
     *
     * @return whether a line was written
     */
    public boolean record(String format, Object... arguments) {
        unlogged.incrementAndGet();
        long now = clock.millis();
        long last = lastLine.get();
        if (last != Long.MIN_VALUE && now - last < intervalMillis || !lastLine.compareAndSet(last, now)) {
            return false;
        }
        long others = unlogged.getAndSet(0) - 1;
        if (others <= 0) {
            logger.atLevel(level).log(format, arguments);
        } else {
            var withCount = new Object[arguments.length + 2];
            System.arraycopy(arguments, 0, withCount, 0, arguments.length);
            withCount[arguments.length] = others;
            withCount[arguments.length + 1] = Instant.ofEpochMilli(last);
            logger.atLevel(level).log(format + " [and {} more like it since {}]", withCount);
        }
        return true;
    }
}
