package dev.coda.durable.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

    @Test
    void everyDurationIsReportedWithin6Point25PercentOrOneMicrosecond() {
        var random = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            long micros = (long) Math.pow(10, random.nextDouble() * 12); // 1 µs to 11 days
            long estimate = DurationHistogram.estimate(DurationHistogram.bucketOf(micros)).toNanos() / 1000;
            assertThat((double) Math.abs(estimate - micros)).as("%d µs", micros).isLessThanOrEqualTo(Math.max(1, micros * 0.0625));
        }
    }

    @Test
    void bucketsAreContiguousAndIncreasing() {
        for (int bucket = 0; bucket < DurationHistogram.BUCKETS; bucket++) {
            long low = DurationHistogram.lowerMicros(bucket);
            assertThat(DurationHistogram.bucketOf(low)).isEqualTo(bucket);
            assertThat(DurationHistogram.bucketOf(DurationHistogram.lowerMicros(bucket + 1) - 1)).isEqualTo(bucket);
        }
        assertThat(DurationHistogram.bucketOf(-5)).isZero();
        assertThat(DurationHistogram.bucketOf(Long.MAX_VALUE)).isEqualTo(DurationHistogram.BUCKETS - 1);
    }

    @Test
    void mergedHistogramsGiveThePercentilesOfAllTheirDurations() {
        var fast = DurationHistogram.of(Map.of(DurationHistogram.bucketOf(Duration.ofMillis(2)), 90L));
        var slow = DurationHistogram.of(Map.of(DurationHistogram.bucketOf(Duration.ofSeconds(2)), 10L));
        var merged = fast.plus(slow);
        assertThat(merged.count()).isEqualTo(100);
        assertThat(merged.percentile(0.9).orElseThrow().toMillis()).isBetween(1L, 3L);
        assertThat(merged.percentile(0.91).orElseThrow().toMillis()).isBetween(1875L, 2125L);
        assertThat(merged).isEqualTo(slow.plus(fast));
        assertThat(DurationHistogram.empty().percentile(0.5)).isEmpty();
        assertThatThrownBy(() -> merged.percentile(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
