package dev.coda.durable;

import dev.coda.durable.internal.Backoff;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How failed durable tasks are retried: exponential backoff with jitter, up to a number of attempts,
 * then the failed set.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(5));   // 1 s, 2 s, 4 s, 8 s
 * }</pre>
 *
 * @param maxAttempts attempts in all (the first one included)
 * @param initialDelay the delay before the second attempt
 * @param multiplier how much each delay grows
 * @param maxDelay the largest delay
 * @param jitter the random spread of each delay, as a fraction (0.2 = ±20%)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay, double jitter) {

    /** Five attempts, 1 s doubling up to 5 min, ±20%. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5), 0.2);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.isNegative() || multiplier < 1 || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("bad retry policy: " + initialDelay + ", x" + multiplier + ", max " + maxDelay
                    + ", jitter " + jitter);
        }
    }

    /** Exponential backoff doubling from {@code initialDelay} up to {@code maxDelay}, ±20%. */
    public static RetryPolicy exponential(int maxAttempts, Duration initialDelay, Duration maxDelay) {
        return new RetryPolicy(maxAttempts, initialDelay, 2.0, maxDelay, 0.2);
    }

    /** No retries: the first failure is final. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, 0);
    }

    /** The delay after the given failed attempt (1 for the first), jitter included. */
    public Duration delayAfter(int failedAttempt) {
        long capped = new Backoff(initialDelay, multiplier, maxDelay).after(failedAttempt).toMillis();
        double spread = jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter);
        return Duration.ofMillis(Math.max(0, Math.round(capped * (1 + spread))));
    }
}
