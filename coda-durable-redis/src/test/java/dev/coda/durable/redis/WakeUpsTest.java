package dev.coda.durable.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The wake-ups of {@code awaitWork}: signals from many threads at once (stores, pub/sub messages) each count. */
class WakeUpsTest {

    @Test
    void concurrentSignalsEachMoveTheGenerationAndWakeAWaiter() throws Exception {
        var wakeUps = new WakeUps();
        long seen = wakeUps.generation();
        var woken = new CountDownLatch(1);
        var waiter = Thread.ofPlatform().start(() -> {
            try {
                wakeUps.awaitPast(seen, Duration.ofMinutes(1));
                woken.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (var pool = Executors.newFixedThreadPool(8)) {
            var signalling = new ArrayList<Future<?>>();
            for (int t = 0; t < 8; t++) {
                signalling.add(pool.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        wakeUps.signal();
                    }
                }));
            }
            for (var f : signalling) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(woken.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(wakeUps.generation()).isEqualTo(seen + 8000);
        waiter.join();
    }

    @Test
    void withoutASignalTheWaitEndsAtItsTimeout() throws InterruptedException {
        var wakeUps = new WakeUps();
        long started = System.nanoTime();
        wakeUps.awaitPast(wakeUps.generation(), Duration.ofMillis(50));
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    }
}
