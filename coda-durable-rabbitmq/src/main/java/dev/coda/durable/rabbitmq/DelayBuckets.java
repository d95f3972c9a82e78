package dev.coda.durable.rabbitmq;

import java.util.ArrayList;
import java.util.List;

/**
 * The delays of the TTL queues: powers of two from {@link #SMALLEST} ms to {@link #LARGEST} ms, a bounded set (21
 * queues at most). A message waits in the largest bucket not longer than its remaining delay; arriving before its
 * time, it hops into a smaller bucket (see {@code Claims}); under {@link #SMALLEST} ms it takes the smallest, so it
 * arrives at most {@link #SMALLEST} ms after its due time. Delays beyond {@link #LARGEST} hop through it.
 *
 * <pre>{@code
 * DelayBuckets.bucket(3_600_000);   // 2_097_152: 35 minutes, then 16 more minutes of smaller hops
 * }</pre>
 */
final class DelayBuckets {

    /** The shortest delay queue, and the worst lateness of a delayed task beyond its due time (plus a claimer's poll). */
    static final long SMALLEST = 128;
    /** The longest delay queue: about 37 hours. */
    static final long LARGEST = SMALLEST << 20;

    private DelayBuckets() {
    }

    /** The bucket for a message due in {@code remainingMillis} (positive). */
    static long bucket(long remainingMillis) {
        long bucket = SMALLEST;
        while (bucket < LARGEST && bucket * 2 <= remainingMillis) {
            bucket *= 2;
        }
        return bucket;
    }

    /** Every bucket, shortest first. */
    static List<Long> all() {
        var out = new ArrayList<Long>();
        for (long b = SMALLEST; b <= LARGEST; b *= 2) {
            out.add(b);
        }
        return out;
    }
}
