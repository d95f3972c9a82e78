package dev.coda.durable.rabbitmq;

import dev.coda.durable.spi.TaskStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the tasks that a crash left without a message: stored (or made ready again) but never confirmed by the
 * broker, their dispatch mark older than {@link #GRACE}. Every engine sweeps every {@link #EVERY}; a message published
 * twice (two sweepers, or a sweep racing a slow publish) is harmless, since the store starts each attempt once.
 *
 * <pre>{@code
 * var sweeper = Sweeper.start(store, publisher, InstantSource.system());   // ... sweeper.close();
 * }</pre>
 */
final class Sweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sweeper.class);
    /** How old a dispatch mark must be to be a crash's leftover rather than a publish in progress. */
    static final Duration GRACE = Duration.ofSeconds(10);
    static final Duration EVERY = Duration.ofSeconds(5);
    static final int BATCH = 500;

    private final TaskStore store;
    private final Publisher publisher;
    private final InstantSource clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        var thread = new Thread(r, "coda-rabbitmq-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    Sweeper(TaskStore store, Publisher publisher, InstantSource clock) {
        this.store = store;
        this.publisher = publisher;
        this.clock = clock;
    }

    static Sweeper start(TaskStore store, Publisher publisher, InstantSource clock) {
        var sweeper = new Sweeper(store, publisher, clock);
        sweeper.timer.scheduleWithFixedDelay(sweeper::sweepLogged, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return sweeper;
    }

    private void sweepLogged() {
        try {
            int published = sweep();
            if (published > 0) {
                LOG.warn("Published {} task(s) that had no message (a process stopped between storing and publishing them)", published);
            }
        } catch (Exception e) {
            LOG.debug("Sweep for tasks without a message failed: {}", e.toString());
        }
    }

    /**
     * One sweep, {@link #BATCH} tasks a publish until none is left (tasks accepted while the broker was down, with
     * {@code confirm=background}, may be many); returns how many tasks it published.
     */
    int sweep() throws Exception {
        int published = 0;
        for (int found = BATCH; found == BATCH; published += found) {
            var orphans = store.undispatched(clock.instant().minus(GRACE), BATCH);
            publisher.publish(orphans.stream().map(r -> new Message(r.id(), r.queue(), r.priority(), r.runAt())).toList());
            store.dispatched(orphans.stream().map(TaskStore.Ready::id).toList());
            found = orphans.size();
        }
        return published;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
