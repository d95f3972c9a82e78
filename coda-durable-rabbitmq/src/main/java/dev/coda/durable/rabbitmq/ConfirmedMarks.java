package dev.coda.durable.rabbitmq;

import dev.coda.durable.spi.TaskStore;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
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
    /** One-at-a-time enqueues are confirmed one by one: gathered this long, else each costs a second commit. */
    private static final Duration LINGER = Duration.ofMillis(20);

    private final TaskStore store;
    private final BatchingThread<String> pending;

    private ConfirmedMarks(TaskStore store) {
        this.store = store;
        this.pending = BatchingThread.start("coda-rabbitmq-marks", Integer.MAX_VALUE, BATCH, LINGER, this::clear);
    }

    static ConfirmedMarks start(TaskStore store) {
        return new ConfirmedMarks(store);
    }

    /** The broker confirmed messages of these tasks: their marks are cleared soon. */
    void confirmed(Collection<String> ids) {
        ids.forEach(pending::offer); // never full
    }

    private void clear(List<String> batch) {
        try {
            store.dispatched(batch);
        } catch (RuntimeException e) {
            LOG.debug("Clearing {} dispatch mark(s) failed (the sweeper publishes those tasks again): {}", batch.size(), e.toString());
        }
    }

    /** Stops the thread and clears the marks still pending. */
    @Override
    public void close() {
        pending.close();
    }
}
