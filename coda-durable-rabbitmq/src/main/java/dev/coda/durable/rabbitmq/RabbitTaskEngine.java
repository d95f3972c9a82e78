package dev.coda.durable.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.coda.durable.DurableState;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngineException;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.TaskStore;
import dev.coda.durable.spi.WorkerInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task engine whose transport is RabbitMQ: each task is a persistent message (its id) in a durable queue of its
 * name (quorum queues, one a priority level, by default; classic priority queues with {@code queue-type=classic}), confirmed by the broker before {@link #enqueue} returns, and acknowledged only after its outcome is recorded;
 * its state (status, result, attempts, unique key, lease) lives in a {@link TaskStore}, a JDBC engine: SQLite by
 * default, PostgreSQL for workers on many machines. A task that {@code enqueue} returned (an HTTP 202) is both stored
 * and confirmed by the broker; with {@code confirm=background} in the URL, stored with its dispatch mark, sent and
 * confirmed after the call returned (a message not sent or not confirmed is published by the sweeper).
 *
 * <pre>{@code
 * // CODA_TASKS_URL=amqp://guest:guest@127.0.0.1:5672/%2F?prefix=app
 * // CODA_TASKS_STORE_URL=jdbc:postgresql://db/app?user=app   (unset: SQLite ./coda-tasks.db)
 * TaskEngine engine = TaskEngine.fromEnvironment();
 * TaskEngine same = RabbitTaskEngine.open("amqp://guest:guest@127.0.0.1:5672/%2F?prefix=app&store=jdbc%3Asqlite%3Atasks.db");
 * }</pre>
 *
 * <p>The pieces: {@link Topology} (exchanges and queues), {@link Publisher} (confirms), {@link Outbox} (sends
 * that the caller does not wait for), {@link Claims} (messages held
 * while their tasks run, and the store's leases), {@link DelayBuckets} (TTL queues for delays and retries),
 * {@link Sweeper} (tasks a crash left without a message), {@link RabbitSettings} (the URL). See
 * {@code docs/engine-rabbitmq.md} for the guarantees and limits. {@link #claim(String, Collection, int, Duration, Instant)
 * Claims on another clock} are refused: the broker's TTL queues decide when a delayed task is due.
 */
public final class RabbitTaskEngine implements TaskEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitTaskEngine.class);
    /** When callers refused because the broker cannot be reached may try again. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final String description;
    private final Connection connection;
    private final TaskEngine storeEngine;
    private final TaskStore store;
    private final Topology topology;
    private final Publisher publisher;
    /** {@code confirm=background}: sends after the call returned; {@code null} when enqueue waits for the confirm. */
    private final Outbox outbox;
    private final Claims claims;
    private final Sweeper sweeper;
    private final ConfirmedMarks marks;
    private final Doorbell doorbell = new Doorbell();

    private RabbitTaskEngine(String description, Connection connection, TaskEngine storeEngine, TaskStore store,
            RabbitSettings settings) throws IOException {
        this.connection = connection;
        this.storeEngine = storeEngine;
        this.store = store;
        var clock = InstantSource.system();
        this.topology = new Topology(connection, settings.prefix(), settings.queueType());
        topology.declareBase();
        this.description = description + ", " + topology.type().name().toLowerCase() + " queues"; // as declared, after a fallback
        this.publisher = new Publisher(connection, topology, clock);
        this.marks = ConfirmedMarks.start(store);
        this.outbox = settings.confirmInBackground() ? Outbox.start(publisher, this::confirmed) : null;
        this.claims = new Claims(connection, topology, publisher, store, marks, clock, doorbell::ring);
        this.sweeper = Sweeper.start(store, publisher, clock);
    }

    /**
     * An engine on the broker of {@code url} ({@code amqp://user:pass@host:5672/vhost?prefix=app&store=<JDBC URL,
     * URL-encoded>}), its store named by {@code store}, else {@code CODA_TASKS_STORE_URL}, else SQLite on
     * {@code coda-tasks.db} in the working directory.
     *
     * @throws IllegalArgumentException if the URL is malformed or names an unknown parameter
     * @throws TaskEngineException (unavailable) if the broker cannot be reached
     */
    public static RabbitTaskEngine open(String url) {
        var settings = RabbitSettings.parse(url, System.getenv(), Path.of("").toAbsolutePath());
        return open(settings, TaskEngine.fromUrl(settings.storeUrl()));
    }

    /**
     * An engine on the broker of {@code url} with {@code store} (a JDBC engine, closed with this one) as its store;
     * a {@code store} parameter in the URL is refused.
     */
    public static RabbitTaskEngine open(String url, TaskEngine store) {
        var settings = RabbitSettings.parse(url, Map.of(), Path.of(""));
        if (url.contains("store=")) {
            throw new IllegalArgumentException("a store is given: the URL may not name one too: " + RabbitSettings.redacted(url));
        }
        return open(settings, store);
    }

    private static RabbitTaskEngine open(RabbitSettings settings, TaskEngine storeEngine) {
        var store = storeEngine.capability(TaskStore.class).orElseThrow(() -> {
            storeEngine.close();
            return new IllegalArgumentException(storeEngine + " cannot be the store of a RabbitMQ engine (no TaskStore capability)");
        });
        var description = "RabbitMQ " + RabbitSettings.redacted(settings.brokerUri()) + " prefix " + settings.prefix()
                + ", store " + storeEngine;
        Connection connection = null;
        try {
            var factory = new ConnectionFactory();
            factory.setUri(settings.brokerUri());
            factory.setAutomaticRecoveryEnabled(true);
            factory.setTopologyRecoveryEnabled(true);
            factory.setNetworkRecoveryInterval(1000);
            factory.setChannelRpcTimeout(5_000); // a broker call left unanswered fails (unavailable) rather than waits 10 min
            if (!settings.brokerUri().contains("heartbeat=")) {
                factory.setRequestedHeartbeat(10); // a frozen process loses its connection, and so its messages, within ~20 s
            }
            if (!settings.brokerUri().contains("connection_timeout=")) {
                factory.setConnectionTimeout(5000);
            }
            connection = factory.newConnection("coda-durable " + settings.prefix());
            return new RabbitTaskEngine(description, connection, storeEngine, store, settings);
        } catch (IOException | TimeoutException e) {
            closeQuietly(connection);
            storeEngine.close();
            throw new TaskEngineException("could not connect (" + description + "): " + e, e, RETRY_AFTER);
        } catch (java.net.URISyntaxException | java.security.GeneralSecurityException e) {
            storeEngine.close();
            throw new IllegalArgumentException("malformed URL " + RabbitSettings.redacted(settings.brokerUri()) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(connection); // a queue of the other type, say
            storeEngine.close();
            throw e;
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing the connection failed: {}", e.toString());
            }
        }
    }

    private interface BrokerWork<T> {
        T run() throws IOException, TimeoutException, InterruptedException;
    }

    /** Runs work on the broker; its failures become {@link TaskEngineException}s, unavailable ones when the broker is. */
    private <T> T broker(String what, BrokerWork<T> work) {
        try {
            return work.run();
        } catch (IOException | TimeoutException e) {
            throw new TaskEngineException("could not " + what + " (" + description + "): " + e, e, RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TaskEngineException("interrupted while trying to " + what + " (" + description + ")", e);
        } catch (com.rabbitmq.client.ShutdownSignalException e) {
            // the connection or channel died under the call (AlreadyClosedException is one): the broker is away
            throw new TaskEngineException("could not " + what + " (" + description + "): " + e.getMessage(), e, RETRY_AFTER);
        }
    }

    // ---------------------------------------------------------------- storing

    /**
     * {@inheritDoc} Stored (marked for dispatch), then published and confirmed: store-then-publish. The marks are cleared
     * in the background ({@link ConfirmedMarks}).
     */
    @Override
    public List<String> enqueue(List<NewTask> tasks) {
        if (tasks.isEmpty()) {
            return List.of();
        }
        if (outbox != null) {
            // a queue the broker refuses (one of the other type) fails this call, not the outbox later; cached once declared
            broker("declare the task queues", () -> {
                for (var queue : tasks.stream().map(NewTask::queue).distinct().toList()) {
                    topology.ensureQueue(queue);
                }
                return null;
            });
        }
        var ready = store.put(tasks);
        var fresh = new ArrayList<Message>();
        for (var r : ready) {
            if (r.fresh()) {
                fresh.add(new Message(r.id(), r.queue(), r.priority(), r.runAt()));
            }
        }
        publishOrCancel(fresh);
        return ready.stream().map(TaskStore.Ready::id).toList();
    }

    /**
     * Publishes messages of tasks just made ready (their marks cleared in the background); if the broker does not confirm them, cancels the
     * tasks (the caller answers an error, not 202) where it can: a task it cannot cancel keeps its mark for the sweeper.
     * With {@code confirm=background} the {@link Outbox} sends them after the call returned: a message not sent or not
     * confirmed keeps its task's mark, and the sweeper publishes it again; nothing is cancelled.
     */
    private void publishOrCancel(List<Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        if (outbox != null) {
            outbox.send(messages);
            return;
        }
        var ids = messages.stream().map(Message::id).toList();
        try {
            broker("publish " + messages.size() + " task(s)", () -> {
                Publisher.await(publisher.send(messages).thenRun(() -> confirmed(ids)));
                return null;
            });
        } catch (TaskEngineException e) {
            for (var id : ids) {
                try {
                    storeEngine.cancel(id);
                } catch (RuntimeException cancelFailed) {
                    e.addSuppressed(cancelFailed);
                }
            }
            throw e;
        }
    }

    /** The broker confirmed the messages of these tasks: their marks are cleared, and a claim now finds them. */
    private void confirmed(List<String> ids) {
        marks.confirmed(ids);
        doorbell.ring();
    }

    @Override
    public Optional<TaskStatus> status(String id) {
        return storeEngine.status(id);
    }

    /** {@inheritDoc} A retried task gets a new message (an old one still queued finds it started, or is dropped). */
    @Override
    public RetryOutcome retryTask(String id) {
        var retried = store.retry(id);
        var r = retried.ready();
        if (r != null) {
            publishOrCancel(List.of(new Message(r.id(), r.queue(), r.priority(), r.runAt())));
        }
        return retried.outcome();
    }

    @Override
    public boolean cancel(String id) {
        return storeEngine.cancel(id); // its message, when a claimer gets it, finds the task cancelled and is dropped
    }

    @Override
    public boolean delete(String id) {
        return storeEngine.delete(id); // its message, when a claimer gets it, finds no task (gone) and is dropped
    }

    // ---------------------------------------------------------------- claims

    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease) {
        if (max <= 0 || queues.isEmpty()) {
            return List.of();
        }
        return broker("claim tasks of " + queues, () -> claims.claim(workerId, queues, max, lease));
    }

    @Override
    public List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        var held = store.extend(workerId, ids, lease);
        claims.extended(workerId, held, lease);
        return held;
    }

    @Override
    public void complete(String workerId, List<Completion> completions) {
        if (completions.isEmpty()) {
            return;
        }
        broker("record " + completions.size() + " completion(s)", () -> {
            claims.complete(workerId, completions);
            return null;
        });
    }

    @Override
    public void release(String workerId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        broker("release " + ids.size() + " task(s)", () -> {
            claims.release(workerId, ids);
            return null;
        });
        doorbell.ring();
    }

    /** {@inheritDoc} Waits for this engine's own publications, or {@link Doorbell#POLL} at most (other processes'). */
    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        doorbell.await(timeout);
    }

    // ---------------------------------------------------------------- the store engine's

    @Override
    public TaskPage search(TaskQuery query) {
        return storeEngine.search(query);
    }

    @Override
    public Map<String, Map<DurableState, Long>> counts() {
        return storeEngine.counts();
    }

    @Override
    public int purge(Set<DurableState> states, Instant finishedBefore) {
        return storeEngine.purge(states, finishedBefore);
    }

    /** {@inheritDoc} Its concurrency is the prefetch of the consumers its claims start (as Celery's, multiplier 1). */
    @Override
    public void register(WorkerInfo worker) {
        claims.registered(worker.id(), worker.concurrency());
        storeEngine.register(worker);
    }

    @Override
    public boolean heartbeat(String workerId) {
        return storeEngine.heartbeat(workerId);
    }

    /** {@inheritDoc} A stopping worker's buffered messages go back to their queues first, for other processes. */
    @Override
    public boolean deregister(String workerId) {
        try {
            broker("return buffered messages", () -> {
                claims.returnBuffered();
                return null;
            });
        } catch (TaskEngineException e) {
            LOG.debug("Could not return buffered messages (they return when the connection closes): {}", e.getMessage());
        }
        claims.registered(workerId, 0);
        return storeEngine.deregister(workerId);
    }

    @Override
    public List<WorkerInfo> workers() {
        return storeEngine.workers();
    }

    /** Closes the connection (the broker returns unacknowledged messages to their queues) and the store. */
    /** {@inheritDoc} Also {@link TaskStats}, kept by the store beside the broker. */
    @Override
    public <C> Optional<C> capability(Class<C> type) {
        return type == TaskStats.class ? storeEngine.capability(type) : TaskEngine.super.capability(type);
    }

    @Override
    public void close() {
        sweeper.close();
        if (outbox != null) {
            outbox.close();
        }
        marks.close();
        closeQuietly(connection);
        storeEngine.close();
    }

    @Override
    public String toString() {
        return "TaskEngine[" + description + "]";
    }
}
