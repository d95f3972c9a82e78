package dev.coda.durable.rabbitmq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that takes what callers queue and hands it on in batches: after the first item it gathers for up to a
 * linger time, at most a batch's size; closing hands on what is left. The engine's background writers
 * ({@link ConfirmedMarks}, {@link Outbox}) are each one of these and what they do with a batch.
 *
 * <pre>{@code
 * var marks = BatchingThread.start("coda-rabbitmq-marks", Integer.MAX_VALUE, 5_000, Duration.ofMillis(20), store::dispatched);
 * marks.offer(id);   // returns at once
 * marks.close();     // hands on what is left
 * }</pre>
 *
 * @param <T> what is queued
 */
final class BatchingThread<T> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingThread.class);

    private final LinkedBlockingQueue<T> waiting;
    private final int batchSize;
    private final Duration linger;
    private final Consumer<List<T>> handler;
    private final Thread thread;
    private volatile boolean closed;

    private BatchingThread(String name, int capacity, int batchSize, Duration linger, Consumer<List<T>> handler) {
        this.waiting = new LinkedBlockingQueue<>(capacity);
        this.batchSize = batchSize;
        this.linger = linger;
        this.handler = handler;
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
    }

    /**
     * Starts the thread: at most {@code capacity} items wait, and {@code handler} gets up to {@code batchSize} at a time,
     * gathered for up to {@code linger} after the first.
     */
    static <T> BatchingThread<T> start(String name, int capacity, int batchSize, Duration linger, Consumer<List<T>> handler) {
        var batching = new BatchingThread<>(name, capacity, batchSize, linger, handler);
        batching.thread.start();
        return batching;
    }

    /** Queues {@code item}; {@code false} when the queue is full. */
    boolean offer(T item) {
        return waiting.offer(item);
    }

    private void run() {
        while (!closed) {
            try {
                var first = waiting.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    gatherAndHandOn(first);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void gatherAndHandOn(T first) throws InterruptedException {
        var batch = new ArrayList<T>();
        batch.add(first);
        long deadline = System.nanoTime() + linger.toNanos();
        InterruptedException interrupted = null;
        for (T next = first; next != null && batch.size() < batchSize; ) {
            waiting.drainTo(batch, batchSize - batch.size());
            try {
                next = waiting.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = e; // closing: hand on what was gathered first
                next = null;
            }
            if (next != null) {
                batch.add(next);
            }
        }
        handOn(batch);
        if (interrupted != null) {
            throw interrupted;
        }
    }

    private void handOn(List<T> batch) {
        try {
            handler.accept(batch);
        } catch (RuntimeException e) {
            LOG.warn("{} could not hand on {} item(s): {}", thread.getName(), batch.size(), e.toString());
        }
    }

    /** Stops the thread, then hands on what is still waiting. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var rest = new ArrayList<T>();
        while (waiting.drainTo(rest, batchSize) > 0) {
            handOn(rest);
            rest = new ArrayList<>();
        }
    }
}
