package dev.coda.durable.internal;

import java.time.Duration;

/**
 * How long to wait after a run of failures of the same operation (a claim, a commit, a reconnection, a task's
 * attempt): {@code first} after the first failure, multiplied by {@code multiplier} per further failure, never
 * more than {@code max}. The one backoff formula of the durable engine ({@code RetryPolicy} adds its jitter to it).
 *
 * <pre>{@code
 * var backoff = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2));
 * backoff.after(1);   // 100 ms
 * backoff.after(3);   // 400 ms
 * backoff.after(9);   // 2 s (100 ms x 2^8 = 25.6 s, capped)
 * }</pre>
 *
 * @param first      the wait after the first failure
 * @param multiplier how much each further failure multiplies the wait (1 or more)
 * @param max        the longest wait (it may be shorter than {@code first}: then every wait is {@code max})
 */
public record Backoff(Duration first, double multiplier, Duration max) {

    public Backoff {
        if (first.isNegative() || max.isNegative() || !(multiplier >= 1)) {
            throw new IllegalArgumentException("a backoff needs waits of 0 or more and a multiplier of 1 or more: " + first
                    + ", x" + multiplier + ", max " + max);
        }
    }

    /** The wait after {@code failures} failures in a row (1 for the first; 0 is taken as 1). */
    public Duration after(long failures) {
        double millis = first.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));   // +Infinity past a double's range
        return Duration.ofMillis((long) Math.min(millis, max.toMillis()));
    }
}
