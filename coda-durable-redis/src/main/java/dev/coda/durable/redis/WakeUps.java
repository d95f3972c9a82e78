package dev.coda.durable.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@code awaitWork} sleeps on: a generation counter moved by this engine's own stores and by messages on the
 * prefix's wake-up channel, which every engine on the prefix publishes to after storing tasks (a hint: a message lost
 * costs a poll interval, never a task).
 *
 * <pre>{@code
 * long seen = wakeUps.generation();
 * wakeUps.awaitPast(seen, Duration.ofSeconds(1));
 * }</pre>
 */
final class WakeUps extends RedisPubSubAdapter<String, String> {

    // coda-durable's internal WakeUp does the same for the JDBC engines; it is not exported to engine modules

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    @Override
    public void message(String channel, String message) {
        signal();
    }

    void signal() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the generation moves past {@code seen} or the timeout passes. */
    void awaitPast(long seen, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (generation == seen && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
