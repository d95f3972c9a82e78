package dev.coda.durable.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static long[] waits(Backoff backoff, int failures) {
        return LongStream.rangeClosed(1, failures).map(f -> backoff.after(f).toMillis()).toArray();
    }

    @Test
    void doublesPerFailureUpToItsDoublingsThenItsMax() {
        // the worker's commit retries
        assertThat(waits(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 6), 8))
                .containsExactly(100, 200, 400, 800, 1600, 2000, 2000, 2000);
        // the claim retries with a long poll interval: the doublings stop first
        assertThat(waits(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(60), 5), 7))
                .containsExactly(200, 400, 800, 1600, 3200, 3200, 3200);
    }

    @Test
    void aMaxShorterThanTheFirstWaitIsEveryWait() {
        assertThat(waits(new Backoff(Duration.ofMillis(100), Duration.ofMillis(30), 5), 3)).containsExactly(30, 30, 30);
    }

    @Test
    void noFailureYetWaitsTheFirstWaitAndAHugeCountDoesNotOverflow() {
        var backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), 30);
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.after(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesWaitsThatAreNotPositive() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1), 31)).isInstanceOf(IllegalArgumentException.class);
    }
}
