package dev.coda.durable.rabbitmq;

import dev.coda.durable.internal.WakeUp;
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

    private final WakeUp wakeUp = new WakeUp();
    private final ThreadLocal<Long> seen = new ThreadLocal<>();

    void ring() {
        wakeUp.signal();
    }

    /** Waits for a ring since this thread's last wait, at most {@code timeout} and {@link #POLL}. */
    void await(Duration timeout) throws InterruptedException {
        var last = seen.get();
        wakeUp.awaitPast(last == null ? wakeUp.generation() : last, timeout.compareTo(POLL) < 0 ? timeout : POLL);
        seen.set(wakeUp.generation());
    }
}
