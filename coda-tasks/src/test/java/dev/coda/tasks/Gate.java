package dev.coda.tasks;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks that call {@link #pass()} block until the test opens the gate; it counts how many entered, how
 * many were inside at the same time, and whether one was interrupted while waiting.
 */
final class Gate {

    private final CountDownLatch open = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final CompletableFuture<Thread> interrupted = new CompletableFuture<>();

    void pass() throws InterruptedException {
        entered.incrementAndGet();
        peak.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
            if (!open.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            interrupted.complete(Thread.currentThread());
            throw e;
        } finally {
            inside.decrementAndGet();
        }
    }

    void open() {
        open.countDown();
    }

    int entered() {
        return entered.get();
    }

    int inside() {
        return inside.get();
    }

    int peak() {
        return peak.get();
    }

    /** Completes with the thread of the first task interrupted while waiting at the gate. */
    CompletableFuture<Thread> interruption() {
        return interrupted;
    }
}
