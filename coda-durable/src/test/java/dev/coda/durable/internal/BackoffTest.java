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
    void startsAtTheFirstWaitAndMultipliesPerFailureUpToItsMax() {
        // the worker's commit retries
        assertThat(waits(new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(2)), 8))
                .containsExactly(100, 200, 400, 800, 1600, 2000, 2000, 2000);
        // a retry policy's growth need not be a doubling
        assertThat(waits(new Backoff(Duration.ofSeconds(1), 1.5, Duration.ofSeconds(60)), 4))
                .containsExactly(1000, 1500, 2250, 3375);
    }

    @Test
    void aMaxShorterThanTheFirstWaitIsEveryWait() {
        assertThat(waits(new Backoff(Duration.ofMillis(100), 2.0, Duration.ofMillis(30)), 3)).containsExactly(30, 30, 30);
    }

    @Test
    void noFailureYetWaitsTheFirstWaitAndAHugeCountDoesNotOverflow() {
        var backoff = new Backoff(Duration.ofMillis(50), 2.0, Duration.ofSeconds(2));
        assertThat(backoff.after(0)).isEqualTo(Duration.ofMillis(50));
        assertThat(backoff.after(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void refusesNegativeWaitsAndShrinkingMultipliers() {
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(-1), 2.0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofMillis(1), Double.NaN, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
