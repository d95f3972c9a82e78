package dev.coda.internal.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An app run as the process's main work until SIGTERM: the JVM shutdown hook is registered before the start, so that
 * a signal during the start stops what was started (the hook waits for the start to end, then stops it).
 *
 * <pre>{@code
 * ProcessRun.run(() -> {
 *     var server = app.start();
 *     return new ProcessRun.Started(server::stop, server::join);
 * });
 * }</pre>
 */
public final class ProcessRun {

    /** What was started: how to stop it, and how to wait until it has stopped ({@code null}: until the hook stops it). */
    public record Started(Runnable stop, Joinable join) {
    }

    /** Waits for something to stop. */
    @FunctionalInterface
    public interface Joinable {
        void join() throws InterruptedException;
    }

    private ProcessRun() {
    }

    /** Starts, then blocks until stopped by SIGTERM (or until {@link Started#join} returns); a failed start is thrown. */
    public static void run(Supplier<Started> start) {
        var starting = new Object();
        var stop = new AtomicReference<Runnable>();
        var stopped = new CountDownLatch(1);
        var hook = new Thread(() -> {
            synchronized (starting) {
                runOnce(stop);
            }
            stopped.countDown();
        }, "coda-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Started started;
        synchronized (starting) {
            try {
                started = start.get();
            } catch (RuntimeException | Error e) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs now and finds nothing to stop
                }
                throw e;
            }
            stop.set(started.stop());
        }
        try {
            if (started.join() != null) {
                started.join().join();
            } else {
                stopped.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            runOnce(stop);
        }
    }

    private static void runOnce(AtomicReference<Runnable> stop) {
        var action = stop.getAndSet(null);
        if (action != null) {
            action.run();
        }
    }
}
