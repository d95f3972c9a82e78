package dev.coda.durable.redis;

import dev.coda.durable.internal.WakeUp;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;

/**
 * What {@code awaitWork} sleeps on: coda-durable's {@link WakeUp}, moved by this engine's own stores and by messages on the
 * prefix's wake-up channel, which every engine on the prefix publishes to after storing tasks (a hint: a message lost
 * costs a poll interval, never a task).
 *
 * <pre>{@code
 * long seen = wakeUps.generation();
 * wakeUps.awaitPast(seen, Duration.ofSeconds(1));
 * }</pre>
 */
final class WakeUps extends RedisPubSubAdapter<String, String> {

    private final WakeUp wakeUp = new WakeUp();

    @Override
    public void message(String channel, String message) {
        signal();
    }

    void signal() {
        wakeUp.signal();
    }

    long generation() {
        return wakeUp.generation();
    }

    /** Waits until the generation moves past {@code seen} or the timeout passes. */
    void awaitPast(long seen, Duration timeout) throws InterruptedException {
        wakeUp.awaitPast(seen, timeout);
    }
}
