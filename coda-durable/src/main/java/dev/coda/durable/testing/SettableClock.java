package dev.coda.durable.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: pass it to a worker ({@code Worker.Builder.clock}) and to a
 * {@link ManualWorker}, then {@link #advance} it past a retry's delay or a task's run time instead of waiting.
 * Safe to read from any thread; only the test moves it.
 *
 * <pre>{@code
 * var clock = new SettableClock();                          // the system's now, to the millisecond
 * try (var worker = durable.worker().clock(clock).startManual()) {
 *     worker.runDue();                                       // the task fails: retried in 1 min on this clock
 *     clock.advance(Duration.ofMinutes(1));
 *     worker.runDue();                                       // the retry runs
 * }
 * }</pre>
 */
public final class SettableClock implements InstantSource {

    private final AtomicReference<Instant> now;

    /** A clock at the system's current time, to the millisecond (as the engines store times). */
    public SettableClock() {
        this(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /** A clock at {@code start}. */
    public SettableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock forward by {@code duration} (never back); returns the new time. */
    public Instant advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a settable clock moves forward only: " + duration);
        }
        return now.updateAndGet(t -> t.plus(duration));
    }

    /** Sets the clock to {@code instant}. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public String toString() {
        return "SettableClock[" + now.get() + "]";
    }
}
