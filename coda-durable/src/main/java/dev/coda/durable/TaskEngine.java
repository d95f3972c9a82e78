package dev.coda.durable;

import dev.coda.durable.spi.TaskAdmin;
import dev.coda.durable.spi.TaskSearch;
import dev.coda.durable.spi.TransactionalStore;
import dev.coda.durable.spi.WorkerRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Durable storage of tasks, shared by web processes and workers on any number of machines: an existing
 * database, never a home-made broker. Coda creates and migrates its tables.
 *
 * <pre>{@code
 * TaskEngine engine = TaskEngine.sqlite(Path.of("tasks.db"));                          // one machine, nothing to install
 * TaskEngine engine = TaskEngine.postgres("jdbc:postgresql://db/app?user=app", "coda"); // many machines
 * TaskEngine engine = TaskEngine.fromUrl(System.getenv("CODA_TASKS_URL"));             // either, by URL
 * TaskEngine engine = TaskEngine.fromEnvironment();      // CODA_TASKS_URL if set, else SQLite coda-tasks.db here
 * }</pre>
 *
 * <p>Delivery is at least once: a task is claimed with a lease that the worker's heartbeat extends; if the
 * worker dies, the lease ends and another worker runs the task again. A slow worker that is alive keeps
 * its task.
 *
 * <p>Every method runs in one transaction; a database failure is thrown as a {@link TaskEngineException}
 * and changes nothing. An engine that cannot reach its database says so with
 * {@link TaskEngineException#unavailable()}, quickly (the JDBC engines wait at most 2 s for a connection or lock on
 * an application's call, and refuse at once while they know the database is down): callers answer {@code 503}, and
 * workers retry later.
 *
 * <p>The engine SPI: this interface (store, claim with a lease, extend, complete, release, recover) with
 * {@link TaskSearch} (search, counts, purge), {@link TaskAdmin} (retry, cancel, delete, bulk actions) and
 * {@link WorkerRegistry}, which every engine implements, and optional
 * capabilities asked for with {@link #capability} (e.g. {@link TransactionalStore} on a JDBC database). The
 * conformance suite in the test-jar ({@code dev.coda.durable.EngineConformance}) says what an engine must do.
 *
 * @apiNote Applications use {@link DurableTasks} and {@link Worker}; the claim-side methods here are the
 *     engine SPI they are built on, public so that other engines (Redis, RabbitMQ) can implement it.
 */
public interface TaskEngine extends TaskSearch, TaskAdmin, WorkerRegistry, AutoCloseable {

    /** An engine on a SQLite file (created if missing), in WAL mode. */
    static TaskEngine sqlite(Path file) {
        return dev.coda.durable.internal.EngineUrls.sqlite(file);
    }

    /** An engine on PostgreSQL, with a HikariCP pool, its tables in {@code schema} (created if missing). */
    static TaskEngine postgres(String jdbcUrl, String schema) {
        return dev.coda.durable.internal.EngineUrls.postgres(jdbcUrl, schema);
    }

    /** An engine on PostgreSQL through the application's own pool, its tables in {@code schema}. */
    static TaskEngine postgres(DataSource dataSource, String schema) {
        return dev.coda.durable.internal.EngineUrls.postgres(dataSource, schema);
    }

    /**
     * {@code jdbc:sqlite:<file>}, {@code jdbc:postgresql://...} (the schema from a {@code currentSchema} parameter, else
     * {@code coda}), or a URL of an engine module on the path ({@link dev.coda.durable.spi.TaskEngineProvider}), such as
     * {@code redis://host:6379/0?prefix=app} or {@code amqp://user:pass@host:5672/%2F?prefix=app}.
     */
    static TaskEngine fromUrl(String url) {
        return dev.coda.durable.internal.EngineUrls.fromUrl(url);
    }

    /**
     * The engine of an application that names none: the JDBC URL in the environment variable
     * {@code CODA_TASKS_URL} if it is set (see {@link #fromUrl}), else SQLite on the file {@code coda-tasks.db}
     * in the working directory (created if missing).
     *
     * <pre>{@code
     * // CODA_TASKS_URL=jdbc:postgresql://db/app?user=app  ->  PostgreSQL, schema coda
     * // CODA_TASKS_URL unset or blank                     ->  SQLite, ./coda-tasks.db
     * try (TaskEngine engine = TaskEngine.fromEnvironment()) { ... }
     * }</pre>
     */
    static TaskEngine fromEnvironment() {
        return dev.coda.durable.internal.EngineUrls.fromEnvironment(System.getenv(), Path.of("").toAbsolutePath());
    }

    /**
     * A task to store: its name, JSON arguments and options, the id to store it under ({@code null}: the engine
     * chooses), how long one attempt may run ({@code null}: as the worker decides), and the context it was stored in
     * ({@link TaskContext}: trace context, route, request id; {@code null} or empty: none), stored with it.
     *
     * <pre>{@code
     * new NewTask("Mail.send", "[1]", "mail", 0, null, null, 3, null, null, Map.of(TaskContext.REQUEST_ID, "r-1"));
     * }</pre>
     */
    record NewTask(String name, String argumentsJson, String queue, int priority, Instant runAt, String uniqueKey,
                   int maxAttempts, String id, Duration timeout, Map<String, String> context) {

        public NewTask {
            context = context == null ? Map.of() : Map.copyOf(context);
        }

        /** A task stored without context. */
        public NewTask(String name, String argumentsJson, String queue, int priority, Instant runAt, String uniqueKey,
                       int maxAttempts, String id, Duration timeout) {
            this(name, argumentsJson, queue, priority, runAt, uniqueKey, maxAttempts, id, timeout, null);
        }

        /** A task without a timeout of its own. */
        public NewTask(String name, String argumentsJson, String queue, int priority, Instant runAt, String uniqueKey,
                       int maxAttempts, String id) {
            this(name, argumentsJson, queue, priority, runAt, uniqueKey, maxAttempts, id, null);
        }

        /** A task whose id the engine chooses, without a timeout of its own. */
        public NewTask(String name, String argumentsJson, String queue, int priority, Instant runAt, String uniqueKey,
                       int maxAttempts) {
            this(name, argumentsJson, queue, priority, runAt, uniqueKey, maxAttempts, null, null);
        }
    }

    /**
     * A task a worker has claimed.
     *
     * @param attempt this attempt's number (1 for the first); greater than {@code maxAttempts} only for a
     *     task recovered from a lost worker after its last allowed attempt, which must not run again (the
     *     worker records it as failed: "worker lost")
     * @param lostBy when the claim recovers a task whose previous lease expired (its worker died or hung), that
     *     worker's id; {@code null} for an ordinary claim
     * @param timeout the timeout stored with the task ({@link NewTask#timeout}), or {@code null}
     * @param context the context stored with the task ({@link NewTask#context}), empty if none
     * @param readyAt when the task became due (stored, or its run time or retry time if later), for the queue wait in
     *     the stats roll-up; {@code null} when the engine does not say, and for a recovery
     */
    record ClaimedTask(String id, String name, String queue, String argumentsJson, int attempt, int maxAttempts,
                       String lostBy, Duration timeout, Map<String, String> context, Instant readyAt) {

        public ClaimedTask {
            context = context == null ? Map.of() : Map.copyOf(context);
        }

        /** A claim of a task stored without context, whose due time the engine does not say. */
        public ClaimedTask(String id, String name, String queue, String argumentsJson, int attempt, int maxAttempts,
                           String lostBy, Duration timeout) {
            this(id, name, queue, argumentsJson, attempt, maxAttempts, lostBy, timeout, null, null);
        }

        /** A claim of a task without a timeout of its own. */
        public ClaimedTask(String id, String name, String queue, String argumentsJson, int attempt, int maxAttempts,
                           String lostBy) {
            this(id, name, queue, argumentsJson, attempt, maxAttempts, lostBy, null);
        }

        /** An ordinary claim (not a recovery) of a task without a timeout of its own. */
        public ClaimedTask(String id, String name, String queue, String argumentsJson, int attempt, int maxAttempts) {
            this(id, name, queue, argumentsJson, attempt, maxAttempts, null, null);
        }

        /** Whether this claim recovers a task from a worker whose lease expired. */
        public boolean recovered() {
            return lostBy != null;
        }

        /** Whether the task's attempts are used up: it was lost during its last allowed attempt and must not run. */
        public boolean exhausted() {
            return attempt > maxAttempts;
        }
    }

    /** What became of a claimed task. */
    sealed interface Completion {
        String id();

        /** It succeeded, with an optional JSON result. */
        record Succeeded(String id, String resultJson) implements Completion {
        }

        /** It failed and runs again at {@code retryAt}. */
        record Retry(String id, String error, Instant retryAt) implements Completion {
        }

        /** It failed for good: the failed set. */
        record Failed(String id, String error) implements Completion {
        }
    }

    /**
     * Stores tasks, all or none; returns their ids in order. A task whose unique key is held by a queued,
     * scheduled or running task is not stored again: the existing task's id is returned for it.
     */
    List<String> enqueue(List<NewTask> tasks);

    /** The status of a task. */
    Optional<TaskStatus> status(String id);

    /**
     * Moves a failed (or cancelled) task back to the queue, with a fresh attempt count; returns whether it did
     * ({@link #retryTask} says why not).
     */
    default boolean retry(String id) {
        return retryTask(id) == RetryOutcome.RETRIED;
    }

    /** Cancels a queued or scheduled task; returns whether it did. */
    @Override
    boolean cancel(String id);

    /**
     * Claims up to {@code max} ready tasks of the given queues (highest priority, then oldest first) for
     * {@code workerId}, with a lease of {@code lease}. Tasks whose lease expired are ready again.
     */
    List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease);

    /**
     * {@link #claim(String, Collection, int, Duration) Claims} as if it were {@code dueBy} when that is later than the
     * engine's own now: a task is due once its run time has passed on either clock. A worker on a clock ahead of the
     * database's (a test's {@code SettableClock}, advanced past a retry's delay) claims what is due on it; a clock behind
     * never hides a task due on the engine's. Engines that cannot claim on another clock keep this default, which refuses.
     *
     * <pre>{@code
     * engine.claim(workerId, List.of("default"), 100, lease, clock.instant());
     * }</pre>
     */
    default List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease, Instant dueBy) {
        throw new UnsupportedOperationException(getClass().getName() + " decides which tasks are due on its own clock only");
    }

    /** Extends the leases {@code workerId} holds on these tasks; returns the ids it still holds. */
    List<String> extend(String workerId, Collection<String> ids, Duration lease);

    /** Records what became of tasks {@code workerId} holds; completions of tasks it no longer holds are ignored. */
    void complete(String workerId, List<Completion> completions);

    /** Gives claimed tasks back, ready to run (graceful shutdown); the attempt does not count. */
    void release(String workerId, Collection<String> ids);

    /**
     * Waits until tasks may be ready: a task was stored since the calling thread's last {@link #claim} (by
     * this engine, or, on PostgreSQL, a notification from another process), or the timeout passed.
     */
    void awaitWork(Duration timeout) throws InterruptedException;

    /**
     * An optional capability of this engine, such as {@link TransactionalStore}; empty if it has none. The default
     * offers the capability interfaces the engine implements.
     *
     * <pre>{@code
     * engine.capability(TransactionalStore.class).map(store -> ...).orElseThrow(() -> new UnsupportedOperationException(...));
     * }</pre>
     */
    default <C> Optional<C> capability(Class<C> type) {
        return type.isInstance(this) ? Optional.of(type.cast(this)) : Optional.empty();
    }

    /** Releases the engine's connections. */
    @Override
    void close();
}
