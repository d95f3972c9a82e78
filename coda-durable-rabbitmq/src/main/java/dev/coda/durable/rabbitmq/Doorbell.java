package dev.coda.durable.rabbitmq;

import java.time.Duration;

/**
 * What {@code awaitWork} waits on: a ring from this engine (tasks published or given back) or, since messages of
 * other processes ring nothing here, at most {@link #POLL} (the claim then asks the broker again).
 *
 * <pre>{@code
 * doorbell.await(Duration.ofSeconds(1));   // returns on a ring, or after 200 ms at most
 * }</pre>
 */
final class Doorbell {

    /** The longest wait: how soon an idle claimer notices messages published by other processes. */
    static final Duration POLL = Duration.ofMillis(200);

    private final ThreadLocal<Long> seen = new ThreadLocal<>();
    private long rings;

    synchronized void ring() {
        rings++;
        notifyAll();
    }

    /** Waits for a ring since this thread's last wait, at most {@code timeout} and {@link #POLL}. */
    synchronized void await(Duration timeout) throws InterruptedException {
        var last = seen.get();
        long deadline = System.nanoTime() + Math.min(timeout.toNanos(), POLL.toNanos());
        while (last != null && rings == last) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (last == null && timeout.isPositive()) {
            wait(Math.max(1, Math.min(timeout.toMillis(), POLL.toMillis())));
        }
        seen.set(rings);
    }
}
