package dev.coda.durable.internal;

import java.time.Duration;

/**
 * How long to wait after a run of failures of the same operation (a claim, a commit): {@code first}
 * doubled once per failure, at most {@code maxDoublings} times, never more than {@code max}.
 *
 * <pre>{@code
 * var backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 6);
 * backoff.after(1);   // 100 ms
 * backoff.after(9);   // 2 s (50 ms << 6 = 3.2 s, capped)
 * }</pre>
 *
 * @param first        the wait before any doubling
 * @param max          the longest wait (it may be shorter than {@code first}: then every wait is {@code max})
 * @param maxDoublings how many failures still double the wait
 */
public record Backoff(Duration first, Duration max, int maxDoublings) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.isNegative() || max.isZero() || maxDoublings < 0 || maxDoublings > 30) {
            throw new IllegalArgumentException("a backoff needs positive waits and 0..30 doublings: " + first + ", " + max + ", " + maxDoublings);
        }
    }

    /** The wait after {@code failures} failures in a row (1 for the first). */
    public Duration after(long failures) {
        int doublings = (int) Math.min(Math.max(failures, 0), maxDoublings);
        return Duration.ofMillis(Math.min(max.toMillis(), first.toMillis() << doublings));
    }
}
