package dev.coda.durable.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What {@code awaitWork} sleeps on: a phase moved by this engine's own stores and by messages on the prefix's wake-up
 * channel, which every engine on the prefix publishes to after storing tasks (a hint: a message lost costs a poll
 * interval, never a task).
 *
 * <pre>{@code
 * int seen = wakeUps.generation();
 * wakeUps.awaitPast(seen, Duration.ofSeconds(1));
 * }</pre>
 */
final class WakeUps extends RedisPubSubAdapter<String, String> {

    /** One party that never waits: each arrival is a new phase, which the waiters watch. */
    private final Phaser phases = new Phaser(1);

    @Override
    public void message(String channel, String message) {
        signal();
    }

    void signal() {
        phases.arrive();
    }

    int generation() {
        return phases.getPhase();
    }

    /** Waits until the phase moves past {@code seen} or the timeout passes. */
    void awaitPast(int seen, Duration timeout) throws InterruptedException {
        try {
            phases.awaitAdvanceInterruptibly(seen, timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // no work announced in time: the caller claims anyway
        }
    }
}
