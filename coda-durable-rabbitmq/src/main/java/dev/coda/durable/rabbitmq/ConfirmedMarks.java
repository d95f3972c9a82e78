package dev.coda.durable.rabbitmq;

import dev.coda.durable.spi.TaskStore;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clears the dispatch marks of confirmed messages in the background, many in one store statement, so that an enqueue
 * costs one store commit, not two. A mark left by a crash before it was cleared is at worst a duplicate message from
 * the {@link Sweeper} (after its grace period), which the store's {@code start} makes harmless.
 *
 * <pre>{@code
 * var marks = ConfirmedMarks.start(store);
 * marks.confirmed(List.of(id));   // returns at once; cleared within 20 ms or so
 * marks.close();                  // clears what is left
 * }</pre>
 */
final class ConfirmedMarks implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmedMarks.class);
    private static final int BATCH = 5_000;
    /** How long the thread gathers confirmed ids before it clears them in one statement. */
    private static final Duration LINGER = Duration.ofMillis(20);

    private final TaskStore store;
    private final LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    private ConfirmedMarks(TaskStore store) {
        this.store = store;
        this.thread = Thread.ofPlatform().daemon().name("coda-rabbitmq-marks").unstarted(this::run);
    }

    static ConfirmedMarks start(TaskStore store) {
        var marks = new ConfirmedMarks(store);
        marks.thread.start();
        return marks;
    }

    /** The broker confirmed messages of these tasks: their marks are cleared soon. */
    void confirmed(Collection<String> ids) {
        pending.addAll(ids);
    }

    private void run() {
        while (!closed) {
            try {
                var first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first != null) {
                    clear(first);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void clear(String first) throws InterruptedException {
        var batch = new ArrayList<String>();
        batch.add(first);
        // one-at-a-time enqueues are confirmed one by one: gather them for a moment, else each costs a second commit
        long deadline = System.nanoTime() + LINGER.toNanos();
        InterruptedException interrupted = null;
        for (String next = first; next != null && batch.size() < BATCH; ) {
            pending.drainTo(batch, BATCH - batch.size());
            try {
                next = pending.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = e; // closing: clear what was gathered first
                next = null;
            }
            if (next != null) {
                batch.add(next);
            }
        }
        clearNow(batch);
        if (interrupted != null) {
            throw interrupted;
        }
    }

    private void clearNow(List<String> batch) {
        try {
            store.dispatched(batch);
        } catch (RuntimeException e) {
            LOG.debug("Clearing {} dispatch mark(s) failed (the sweeper publishes those tasks again): {}", batch.size(), e.toString());
        }
    }

    /** Stops the thread and clears the marks still pending. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        var rest = new ArrayList<String>();
        while (pending.drainTo(rest, BATCH) > 0) {
            clearNow(rest);
            rest.clear();
        }
    }
}
