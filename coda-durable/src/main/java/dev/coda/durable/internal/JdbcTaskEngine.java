package dev.coda.durable.internal;

import dev.coda.durable.DurableState;
import dev.coda.durable.DurableTasks;
import dev.coda.durable.TaskEngine;
import dev.coda.durable.TaskEngineException;
import dev.coda.durable.TaskStatus;
import dev.coda.durable.spi.TaskAdmin.RetryOutcome;
import dev.coda.durable.spi.TaskPage;
import dev.coda.durable.spi.TaskQuery;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.TaskStore;
import dev.coda.durable.spi.TransactionalStore;
import dev.coda.durable.spi.WorkerInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task engine on a JDBC database: SQLite (one file, one machine) or PostgreSQL (any number of
 * machines). One table of tasks, {@code coda_tasks}; every state change is a compare-and-set on
 * {@code (id, state, lease_owner)}, so a worker that lost its lease cannot overwrite another's work.
 *
 * <p>Where each part lives: the statements and their bindings in {@link TaskTable}; the stored states and their
 * moves in {@link StoredState}; what differs between databases in {@link Dialect}; the schema in versioned
 * {@code .sql} resources applied by {@link Migrations}; the connections (one locked SQLite connection, a PostgreSQL
 * pool) in the two subclasses; PostgreSQL's wake-ups between processes in {@link PostgresWakeUps}. This class keeps
 * what is common: enqueue through {@link GroupCommit}, the claim loop with its recovery of expired leases, the
 * wrapping of failures, and {@link EngineHealth}. A running task whose lease ended is claimable again by another
 * worker (its previous attempt counted); if that was its last allowed attempt it is handed out "exhausted" so that
 * the claiming worker records it as failed ("worker lost") instead of running it again. (Past 400 lines because it
 * implements the whole {@link TaskEngine} SPI: each method is a few lines choosing a connection and wrapping errors.)
 *
 * <p>Times are taken from the database's clock ({@code now()} on PostgreSQL), so that machines with
 * skewed clocks do not steal each other's leases. The only application times stored are {@code run_at}
 * of delayed tasks and of retries.
 *
 * <h2>A database that cannot be reached</h2>
 * Failures that mean "the database cannot be reached now" ({@link #isUnavailable}: connection refused or lost, a
 * pool's timeout, a file locked by another process beyond the timeout, a full disk...) are thrown as
 * {@linkplain TaskEngineException#unavailable() unavailable}, with a {@link #RETRY_AFTER}; any other failure (SQL
 * the database rejects, a constraint, a closed engine) is a bug to look into. After an unavailable failure the
 * engine refuses every call at once for {@link #UNAVAILABLE_WINDOW}, then lets one call at a time try
 * ({@link EngineHealth}): a request waits for a timeout at most once per window, not each one. The calls of
 * applications ({@link Wait#REQUEST}: enqueue, status, administration) wait at most {@link #REQUEST_TIMEOUT} for the
 * database; workers' calls ({@link Wait#BACKGROUND}) may wait longer, since nobody waits for their answer.
 */
public abstract sealed class JdbcTaskEngine implements TaskEngine, TransactionalStore, TaskStats permits SqliteTaskEngine, PostgresTaskEngine {

    static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    /** How long every call is refused at once after one found the database unreachable; then one call tries it. */
    static final Duration UNAVAILABLE_WINDOW = Duration.ofSeconds(1);
    /** When callers refused because the database is unreachable may try again (a client's {@code Retry-After}). */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    /** How long a call of an application may wait for the database: a connection, a lock. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    /** Who waits for a call's answer, and so how long it may wait for the database. */
    enum Wait {
        /** An application (a request, an administrator): at most {@link #REQUEST_TIMEOUT}. */
        REQUEST,
        /** A worker, or the engine itself: as long as the engine's own timeouts allow. */
        BACKGROUND
    }

    /** How often a claim also looks for expired leases, per queue. */
    private static final long RECOVERY_CHECK_NANOS = Duration.ofMillis(250).toNanos();

    private final EngineHealth health = new EngineHealth(LOG, this::describe, UNAVAILABLE_WINDOW, InstantSource.system());
    private final WakeUp wakeUp = new WakeUp();
    private final GroupCommit groupCommit = new GroupCommit(this::storeGroup);
    private final ThreadLocal<Long> seenGeneration = new ThreadLocal<>();
    private final Map<String, Long> lastRecoveryCheck = new ConcurrentHashMap<>();
    private final AtomicInteger rotation = new AtomicInteger();

    private final Dialect dialect;
    private final TaskTable tasks;
    private final TaskSearches searches;
    private final WorkerTable workers;
    private final JdbcTaskStore store;
    private final StatsTable stats;
    /** The epoch minute before which the stats roll-up was last dropped: a drop runs once a minute at most. */
    private volatile long statsKeptFrom = Long.MIN_VALUE;

    JdbcTaskEngine(Dialect dialect, String table) {
        this.dialect = dialect;
        this.tasks = new TaskTable(dialect, table);
        this.searches = new TaskSearches(dialect, table);
        this.workers = new WorkerTable(dialect, table);
        this.store = new JdbcTaskStore(this, tasks, new DispatchTable(dialect, table));
        this.stats = new StatsTable(dialect, table);
    }

    /** {@inheritDoc} Also {@link TaskStore}: this database as the store of a broker's engine. */
    @Override
    public <C> Optional<C> capability(Class<C> type) {
        return type == TaskStore.class ? Optional.of(type.cast(store)) : TaskEngine.super.capability(type);
    }

    @Override
    public void record(List<TaskStats.Entry> entries, Instant keepFrom) {
        var cells = StatsCells.of(entries);
        long keep = StatsCells.minuteOf(keepFrom);
        try {
            transaction(connection -> {
                stats.add(connection, cells);
                if (keep > statsKeptFrom) {
                    stats.dropBefore(connection, keep);
                }
                return null;
            });
            statsKeptFrom = Math.max(statsKeptFrom, keep);
        } catch (SQLException e) {
            throw failure("record " + entries.size() + " task stats entries", e);
        }
    }

    @Override
    public List<TaskStats.Entry> read(Instant from, Instant to, String queue, String name) {
        try {
            return read(Wait.REQUEST, connection -> stats.read(connection, from, to, queue, name));
        } catch (SQLException e) {
            throw failure("read task stats", e);
        }
    }

    // ---------------------------------------------------------------- connections (the subclass's)

    /** Runs {@code work} (several statements) in one write transaction, committed when it returns. */
    abstract <T> T runTransaction(Wait wait, SqlWork<T> work) throws SQLException;

    /** Runs one writing statement, atomic by itself (PostgreSQL runs it in autocommit, saving a round trip). */
    abstract <T> T runStatement(Wait wait, SqlWork<T> work) throws SQLException;

    /** Runs reads. */
    abstract <T> T runRead(Wait wait, SqlWork<T> work) throws SQLException;

    /** {@link #runTransaction}, refused at once while the database is known to be unreachable. */
    final <T> T transaction(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runTransaction(wait, work), this::isUnavailable);
    }

    /** A transaction of a worker or of the engine itself. */
    final <T> T transaction(SqlWork<T> work) throws SQLException {
        return transaction(Wait.BACKGROUND, work);
    }

    /** {@link #runStatement}, refused at once while the database is known to be unreachable. */
    final <T> T statement(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runStatement(wait, work), this::isUnavailable);
    }

    /** A statement of a worker or of the engine itself. */
    final <T> T statement(SqlWork<T> work) throws SQLException {
        return statement(Wait.BACKGROUND, work);
    }

    /** {@link #runRead}, refused at once while the database is known to be unreachable. */
    final <T> T read(Wait wait, SqlWork<T> work) throws SQLException {
        return health.call(() -> runRead(wait, work), this::isUnavailable, dialect.readsShowAvailability());
    }

    /**
     * Whether a failure means that the database cannot be reached now, rather than a bug: a pool's or lock's timeout
     * ({@link SQLTransientConnectionException}, also thrown while the engine refuses calls), or what the dialect
     * says ({@link Dialect#unreachable}), anywhere in the chain of causes.
     */
    public final boolean isUnavailable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && (dialect.unreachable(sql) || sql.getNextException() != null && dialect.unreachable(sql.getNextException()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs an application's {@code work} in one transaction on the engine's database, with the engine's connection
     * (its pool on PostgreSQL, its one connection on SQLite): committed when it returns, rolled back if it throws.
     * The work must not commit, roll back or close the connection.
     *
     * @throws TaskEngineException {@linkplain TaskEngineException#unavailable() unavailable} if the database cannot be
     *     reached; other failures as {@code work} threw them
     */
    @Override
    public <T> T inTransaction(DurableTasks.JdbcWork<T> work) throws SQLException {
        try {
            return transaction(Wait.REQUEST, work::run);
        } catch (SQLException e) {
            if (isUnavailable(e)) {
                throw failure("run a transaction of the application", e);
            }
            throw e;
        }
    }

    /** Describes the engine in messages: {@code SQLite tasks.db}, {@code PostgreSQL schema coda}. */
    abstract String describe();

    /**
     * Between the transactions of a long job (a purge): the calls that queued for the database meanwhile go first. A
     * no-op where calls do not queue in this process (PostgreSQL's pool).
     */
    void letQueuedCallsIn() {
    }

    /** Called after tasks were stored by this engine. */
    void stored() {
        wakeUp.signal();
    }

    /**
     * Called after tasks were stored in an application's transaction, which may still roll back: wakes this
     * process's workers (a wake-up is only a hint).
     */
    void storedIn(Connection transaction) throws SQLException {
        wakeUp.signal();
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    // ---------------------------------------------------------------- enqueue

    @Override
    public List<String> enqueue(List<NewTask> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        batch.forEach(JdbcTaskEngine::check);
        return groupCommit.store(batch);
    }

    /**
     * Stores the tasks of several concurrent {@link #enqueue} calls in one transaction (see {@link GroupCommit});
     * if that transaction fails, each call is stored in a transaction of its own, so that one call's failure is
     * not another's.
     */
    private void storeGroup(List<GroupCommit.Pending> group) {
        if (group.size() > 1) {
            try {
                var ids = transaction(Wait.REQUEST, connection -> {
                    var out = new ArrayList<List<String>>(group.size());
                    var all = new ArrayList<NewTask>();
                    group.forEach(pending -> all.addAll(pending.tasks()));
                    var stored = tasks.insert(connection, all);
                    int from = 0;
                    for (var pending : group) {
                        out.add(List.copyOf(stored.subList(from, from + pending.tasks().size())));
                        from += pending.tasks().size();
                    }
                    return out;
                });
                for (int i = 0; i < group.size(); i++) {
                    group.get(i).succeed(ids.get(i));
                }
                stored();
                return;
            } catch (SQLException | RuntimeException e) {
                LOG.debug("Storing {} enqueue calls together failed ({}); storing them one by one", group.size(), e.getMessage());
            }
        }
        boolean any = false;
        for (var pending : group) {
            var batch = pending.tasks();
            try {
                // one task without a unique key is one INSERT: atomic by itself, no transaction of its own needed
                var ids = batch.size() == 1 && batch.get(0).uniqueKey() == null
                        ? statement(Wait.REQUEST, connection -> tasks.insert(connection, batch))
                        : transaction(Wait.REQUEST, connection -> tasks.insert(connection, batch));
                pending.succeed(ids);
                any = true;
            } catch (SQLException e) {
                pending.fail(failure("store " + batch.size() + " task(s)", e));
            } catch (RuntimeException e) {
                pending.fail(e);
            }
        }
        if (any) {
            stored();
        }
    }

    /**
     * Stores tasks with the caller's connection, inside the caller's transaction: they exist iff the caller
     * commits. Neither commits nor closes the connection.
     */
    @Override
    public List<String> enqueue(Connection transaction, List<NewTask> batch) throws SQLException {
        batch.forEach(JdbcTaskEngine::check);
        var ids = tasks.insert(transaction, batch);
        storedIn(transaction);
        return ids;
    }

    static void check(NewTask task) {
        Objects.requireNonNull(task.name(), "name");
        Objects.requireNonNull(task.argumentsJson(), "argumentsJson");
        if (task.queue() == null || task.queue().isBlank()) {
            throw new IllegalArgumentException("a task needs a queue: " + task);
        }
        if (task.maxAttempts() < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + task);
        }
    }

    // ---------------------------------------------------------------- status

    @Override
    public Optional<TaskStatus> status(String id) {
        try {
            return read(Wait.REQUEST, connection -> tasks.status(connection, id));
        } catch (SQLException e) {
            throw failure("read the status of task " + id, e);
        }
    }

    @Override
    public Map<String, Map<DurableState, Long>> counts() {
        try {
            return read(Wait.REQUEST, tasks::counts);
        } catch (SQLException e) {
            throw failure("count tasks", e);
        }
    }

    @Override
    public RetryOutcome retryTask(String id) {
        try {
            var outcome = transaction(Wait.REQUEST, connection -> tasks.requeue(connection, id));
            if (outcome == RetryOutcome.RETRIED) {
                requeued();
            }
            return outcome;
        } catch (SQLException e) {
            if (isUniqueViolation(e)) {
                return RetryOutcome.UNIQUE_KEY_CONFLICT;
            }
            throw failure("retry task " + id, e);
        }
    }

    @Override
    public boolean delete(String id) {
        try {
            return transaction(Wait.REQUEST, connection -> tasks.delete(connection, id));
        } catch (SQLException e) {
            throw failure("delete task " + id, e);
        }
    }

    /** Called after tasks were put back in the queue (retry, release). */
    void requeued() {
        stored();
    }

    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    public boolean cancel(String id) {
        try {
            return transaction(Wait.REQUEST, connection -> tasks.cancel(connection, id));
        } catch (SQLException e) {
            throw failure("cancel task " + id, e);
        }
    }

    @Override
    public int purge(Set<DurableState> states, Instant finishedBefore) {
        int deleted = 0;
        try {
            for (var stored : TaskSearches.finalStates(states)) {
                int batch;
                do { // a transaction a batch: workers and enqueues get the database between them
                    batch = transaction(Wait.REQUEST, connection -> searches.purge(connection, stored, finishedBefore));
                    deleted += batch;
                    letQueuedCallsIn();
                } while (batch == TaskSearches.PURGE_BATCH);
            }
            return deleted;
        } catch (SQLException e) {
            throw failure("purge tasks in " + states + " (" + deleted + " deleted before the failure)", e);
        }
    }

    @Override
    public TaskPage search(TaskQuery query) {
        try {
            return read(Wait.REQUEST, connection -> searches.search(connection, query));
        } catch (SQLException e) {
            throw failure("search tasks", e);
        }
    }

    // ---------------------------------------------------------------- workers

    @Override
    public void register(WorkerInfo worker) {
        try {
            statement(Wait.REQUEST, connection -> {
                workers.register(connection, worker);
                return null;
            });
        } catch (SQLException e) {
            throw failure("register worker " + worker.id(), e);
        }
    }

    @Override
    public boolean heartbeat(String workerId) {
        try {
            return statement(connection -> workers.heartbeat(connection, workerId));
        } catch (SQLException e) {
            throw failure("record a heartbeat of worker " + workerId, e);
        }
    }

    @Override
    public boolean deregister(String workerId) {
        try {
            return statement(Wait.REQUEST, connection -> workers.deregister(connection, workerId));
        } catch (SQLException e) {
            throw failure("deregister worker " + workerId, e);
        }
    }

    @Override
    public List<WorkerInfo> workers() {
        try {
            return read(Wait.REQUEST, workers::workers);
        } catch (SQLException e) {
            throw failure("list workers", e);
        }
    }

    // ---------------------------------------------------------------- claims

    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease) {
        return claim(workerId, queues, max, lease, null);
    }

    /** {@inheritDoc} A {@code null} {@code dueBy} is the plain claim, whose statement reads the database's clock only. */
    @Override
    public List<ClaimedTask> claim(String workerId, Collection<String> queues, int max, Duration lease, Instant dueBy) {
        seenGeneration.set(wakeUp.generation());
        if (max <= 0 || queues.isEmpty()) {
            return List.of();
        }
        var order = new ArrayList<>(queues);
        if (order.size() > 1) {
            java.util.Collections.rotate(order, rotation.getAndIncrement() % order.size());
        }
        var out = new ArrayList<ClaimedTask>();
        try {
            for (var queue : order) {
                int room = max - out.size();
                if (room <= 0) {
                    break;
                }
                if (recoveryDue(queue)) {
                    int wanted = room;
                    var recovered = transaction(connection -> tasks.recover(connection, workerId, queue, wanted, lease));
                    out.addAll(recovered);
                    if (recovered.size() == wanted) {
                        lastRecoveryCheck.remove(queue); // there may be more: look again next time
                    }
                    room = max - out.size();
                    if (room <= 0) {
                        break;
                    }
                }
                int limit = room;
                out.addAll(statement(connection -> tasks.claim(connection, workerId, queue, limit, lease, dueBy)));
            }
            return out;
        } catch (SQLException e) {
            throw failure("claim tasks of " + queues, e);
        }
    }

    private boolean recoveryDue(String queue) {
        long now = System.nanoTime();
        var last = lastRecoveryCheck.get(queue);
        if (last != null && now - last < RECOVERY_CHECK_NANOS) {
            return false;
        }
        lastRecoveryCheck.put(queue, now);
        return true;
    }

    @Override
    public List<String> extend(String workerId, Collection<String> ids, Duration lease) {
        if (ids.isEmpty()) {
            return List.of();
        }
        try {
            return statement(connection -> tasks.extend(connection, workerId, ids, lease));
        } catch (SQLException e) {
            throw failure("extend the leases of " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public void complete(String workerId, List<Completion> completions) {
        if (completions.isEmpty()) {
            return;
        }
        var split = CompletionSplit.of(completions);
        var succeeded = split.succeeded();
        var others = split.others();
        try {
            if (others.isEmpty()) {
                statement(connection -> {
                    tasks.succeed(connection, workerId, succeeded);
                    return null;
                });
                return;
            }
            transaction(connection -> {
                if (!succeeded.isEmpty()) {
                    tasks.succeed(connection, workerId, succeeded);
                }
                tasks.retryOrFail(connection, workerId, others);
                return null;
            });
        } catch (SQLException e) {
            throw failure("record " + completions.size() + " completion(s)", e);
        }
    }

    @Override
    public void release(String workerId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            statement(connection -> tasks.release(connection, workerId, ids));
            requeued();
        } catch (SQLException e) {
            throw failure("release " + ids.size() + " task(s)", e);
        }
    }

    @Override
    public void awaitWork(Duration timeout) throws InterruptedException {
        var seen = seenGeneration.get();
        wakeUp.awaitPast(seen == null ? wakeUp.generation() : seen, timeout);
        seenGeneration.set(wakeUp.generation());
    }

    /** Wakes every {@link #awaitWork} caller (a notification from another process). */
    void wake() {
        wakeUp.signal();
    }

    /** The engine's exception for a failed call: {@linkplain TaskEngineException#unavailable() unavailable} when it is. */
    TaskEngineException failure(String what, SQLException e) {
        if (isUnavailable(e)) {
            return new TaskEngineException("could not " + what + " (" + describe() + "): " + EngineHealth.rootMessage(e), e, RETRY_AFTER);
        }
        return new TaskEngineException("could not " + what + " (" + describe() + "): " + e.getMessage(), e);
    }

    @Override
    public String toString() {
        return "TaskEngine[" + describe() + "]";
    }
}
