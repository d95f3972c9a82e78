package dev.coda.durable.spi;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Durations counted in fixed buckets that are the same everywhere, so that histograms of several workers and minutes
 * merge by adding their counts ({@link #plus}) and percentiles are read from the merged counts. Buckets are in
 * microseconds: one a microsecond below 8 µs, then eight a power of two (log-linear, as HdrHistogram's), up to
 * 2<sup>41</sup> µs (25 days; longer durations count in the last bucket). A bucket is at most 1/8 of its lower bound
 * wide, so a {@linkplain #percentile percentile}, reported as its bucket's middle, is within 6.25 % (or 1 µs) of the
 * true value of that rank.
 *
 * <pre>{@code
 * int bucket = DurationHistogram.bucketOf(Duration.ofMillis(12));
 * var merged = DurationHistogram.of(Map.of(bucket, 3L)).plus(other);
 * Optional<Duration> p95 = merged.percentile(0.95);
 * }</pre>
 */
public final class DurationHistogram {

    /** Buckets a power of two, past the first eight exact microseconds. */
    private static final int PER_OCTAVE = 8;
    /** The number of buckets: 8 exact, then 8 for each power of two from 2<sup>3</sup> to 2<sup>40</sup> µs. */
    public static final int BUCKETS = PER_OCTAVE + PER_OCTAVE * 38;

    private static final DurationHistogram EMPTY = new DurationHistogram(new long[BUCKETS]);

    private final long[] counts;
    private final long total;

    private DurationHistogram(long[] counts) {
        this.counts = counts;
        this.total = Arrays.stream(counts).sum();
    }

    /** No durations. */
    public static DurationHistogram empty() {
        return EMPTY;
    }

    /** The histogram with these counts a bucket; buckets outside {@code [0, BUCKETS)} are refused. */
    public static DurationHistogram of(java.util.Map<Integer, Long> countsByBucket) {
        var counts = new long[BUCKETS];
        countsByBucket.forEach((bucket, count) -> {
            if (bucket < 0 || bucket >= BUCKETS) {
                throw new IllegalArgumentException("no histogram bucket " + bucket + " (0 to " + (BUCKETS - 1) + ")");
            }
            counts[bucket] += count;
        });
        return new DurationHistogram(counts);
    }

    /** The bucket of a duration of {@code micros} microseconds (negative ones count as 0). */
    public static int bucketOf(long micros) {
        if (micros < PER_OCTAVE) {
            return (int) Math.max(micros, 0);
        }
        int exponent = 63 - Long.numberOfLeadingZeros(micros); // 3 or more
        int sub = (int) (micros >>> (exponent - 3)) & (PER_OCTAVE - 1);
        return Math.min(PER_OCTAVE + (exponent - 3) * PER_OCTAVE + sub, BUCKETS - 1);
    }

    /** The bucket of {@code duration}. */
    public static int bucketOf(Duration duration) {
        return bucketOf(duration.toNanos() / 1000);
    }

    /** The smallest duration (µs) of {@code bucket}; for {@code BUCKETS}, the end of the last one. */
    public static long lowerMicros(int bucket) {
        if (bucket < PER_OCTAVE) {
            return bucket;
        }
        int exponent = 3 + (bucket - PER_OCTAVE) / PER_OCTAVE;
        int sub = (bucket - PER_OCTAVE) % PER_OCTAVE;
        return (long) (PER_OCTAVE + sub) << (exponent - 3);
    }

    /** The duration reported for a bucket: its middle (its one value below 8 µs). */
    public static Duration estimate(int bucket) {
        long low = lowerMicros(bucket);
        long high = lowerMicros(bucket + 1);
        long micros = high - low <= 1 ? low : low + (high - low) / 2;
        return Duration.ofNanos(micros * 1000);
    }

    /** How many durations it holds. */
    public long count() {
        return total;
    }

    /** How many durations fell in {@code bucket}. */
    public long count(int bucket) {
        return counts[bucket];
    }

    /** The buckets that hold durations, in order, with their counts. */
    public SortedMap<Integer, Long> buckets() {
        var out = new TreeMap<Integer, Long>();
        for (int i = 0; i < BUCKETS; i++) {
            if (counts[i] != 0) {
                out.put(i, counts[i]);
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** Both histograms' durations. */
    public DurationHistogram plus(DurationHistogram other) {
        if (other.total == 0) {
            return this;
        }
        if (total == 0) {
            return other;
        }
        var sum = counts.clone();
        for (int i = 0; i < BUCKETS; i++) {
            sum[i] += other.counts[i];
        }
        return new DurationHistogram(sum);
    }

    /**
     * The duration below or at which a {@code fraction} (0 to 1) of the durations fall: the middle of the bucket that
     * holds the duration of rank ⌈fraction · count⌉; empty when there are none.
     */
    public Optional<Duration> percentile(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a percentile is a fraction from 0 to 1: " + fraction);
        }
        if (total == 0) {
            return Optional.empty();
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Optional.of(estimate(i));
            }
        }
        throw new AssertionError("rank " + rank + " beyond " + total);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DurationHistogram h && Arrays.equals(counts, h.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "DurationHistogram" + buckets();
    }
}
