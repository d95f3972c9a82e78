package dev.coda.durable.internal;

import java.time.Duration;

/** Waiting for a worker's own threads to end at shutdown, keeping the caller's interrupt. */
final class Joins {

    private Joins() {
    }

    /** Waits at most {@code timeout} for {@code thread} (none: returns at once). */
    static void join(Thread thread, Duration timeout) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
