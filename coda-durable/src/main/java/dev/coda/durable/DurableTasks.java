package dev.coda.durable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coda.durable.internal.EngineUrls;
import dev.coda.tasks.internal.Json;
import dev.coda.durable.internal.TaskMethod;
import dev.coda.durable.internal.TaskSpans;
import dev.coda.durable.spi.TransactionalStore;
import dev.coda.tasks.DurableHandoff;
import dev.coda.tasks.TaskCall;
import dev.coda.tasks.TaskFunction;
import dev.coda.tasks.TasksUnavailableException;
import io.micrometer.core.instrument.Counter;
import dev.coda.tasks.TaskMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The durable tasks of an application: which task functions are durable, and the engine that stores
 * them. Given to the task runtime, it makes {@code addTask} of those functions store the call (before the
 * response is sent) instead of running it in-process; given to a {@link Worker}, it tells the worker what
 * code each stored name runs.
 *
 * <pre>{@code
 * var durable = DurableTasks.on(TaskEngine.sqlite(Path.of("tasks.db")))
 *         .task(FileJobs::process)                 // a static method: FileJobs.process(long fileId, String mode)
 *         .task(Reports::build)
 *         .retry(RetryPolicy.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(5)))
 *         .build();
 *
 * TaskRuntime runtime = TaskRuntime.builder().durable(durable).build();   // web side
 * try (Worker worker = durable.worker().concurrency("default", 8).start()) { ... }   // worker side
 *
 * String id = durable.enqueue(TaskCall.of(Reports::build, reportId));      // outside a request
 * durable.status(id);                                                     // Optional[TaskStatus[... state=SUCCEEDED ...]]
 * }</pre>
 *
 * <p>Without an engine of its own choosing, an application takes the default one, which it then closes with
 * the {@code DurableTasks}: {@code CODA_TASKS_URL} if set, else SQLite {@code coda-tasks.db} in the working
 * directory ({@link TaskEngine#fromEnvironment()}).
 * <pre>{@code
 * try (var durable = DurableTasks.builder()
 *         .task(FileJobs::process)
 *         .timeout(Duration.ofMinutes(10), slow -> slow.task(Reports::build))   // a registered default timeout
 *         .build()) { ... }
 * }</pre>
 *
 * <p>Tasks are stored by name ({@code SimpleClassName.method}) with their arguments as JSON (Jackson with
 * java.time and Optional support; never Java serialisation), so a task is a method (static, or of an object the
 * worker holds: {@link Builder}) whose arguments are JSON values: numbers, strings, records, lists, maps,
 * {@code Instant}... Names are known at start-up:
 * two tasks with one name are an error, and a worker runs only the names registered here.
 *
 * <p>When the engine's database cannot be reached (it is down, its pool timed out, a SQLite file stays locked by
 * another process), {@link #store}, {@link #enqueue}, {@link #status} and the other calls here throw
 * {@link TasksUnavailableException} within about two seconds, and at once while the engine knows its database is
 * down: Coda answers it with {@code 503} and {@code Retry-After}. Other engine failures are
 * {@link TaskEngineException}s.
 *
 * @implNote Past 400 lines because it is the one public entry to durable tasks: a documented method for each
 * operation (store, enqueue, in a caller's transaction, status, counts, retry, cancel, purge) and its {@link Builder}'s
 * registrations, one per task shape (about 200 lines); each operation is a few lines over the engine, and running the
 * tasks is {@link Worker}'s.
 */
public final class DurableTasks implements DurableHandoff, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    private final TaskEngine engine;
    private final boolean ownsEngine;
    private final Map<String, TaskMethod> tasks;
    private final Map<String, Duration> timeouts;
    private final boolean everyTask;
    private final RetryPolicy retryPolicy;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final InstantSource clock;
    private final Map<String, Counter> enqueued = new ConcurrentHashMap<>();
    private final Map<String, Boolean> staticMethods = new ConcurrentHashMap<>();

    private DurableTasks(Builder b, TaskEngine engine) {
        this.engine = engine;
        this.ownsEngine = b.engine == null;
        this.timeouts = Map.copyOf(b.timeouts);
        this.mapper = b.mapper != null ? b.mapper : Json.newMapper();
        var resolved = new LinkedHashMap<String, TaskMethod>();
        b.methods.forEach((name, method) -> resolved.put(name, TaskMethod.of(name, method, mapper, b.receivers.get(name))));
        this.tasks = Collections.unmodifiableMap(resolved);
        this.everyTask = b.everyTask;
        this.retryPolicy = b.retryPolicy;
        this.registry = b.registry != null ? b.registry : new CompositeMeterRegistry();
        this.clock = b.clock;
    }

    /** Starts declaring the durable tasks stored in {@code engine}; the caller closes it (not {@link #close()}). */
    public static Builder on(TaskEngine engine) {
        return new Builder(Objects.requireNonNull(engine, "engine"), null);
    }

    /**
     * Starts declaring durable tasks stored in the default engine, opened by {@link Builder#build()} and closed by
     * {@link #close()}: the JDBC URL of the environment variable {@code CODA_TASKS_URL} if it is set, else SQLite on
     * {@code coda-tasks.db} in the working directory (see {@link TaskEngine#fromEnvironment()}).
     *
     * <pre>{@code
     * try (var durable = DurableTasks.builder().task(FileJobs::process).build();
     *      var worker = durable.worker().start()) { ... }
     * }</pre>
     */
    public static Builder builder() {
        return builder(System.getenv(), Path.of("").toAbsolutePath());
    }

    /** {@link #builder()} with the environment and working directory given. */
    static Builder builder(Map<String, String> environment, Path workingDirectory) {
        return new Builder(null, () -> EngineUrls.fromEnvironment(environment, workingDirectory));
    }

    // ---------------------------------------------------------------- the web side: DurableHandoff

    /**
     * Whether calls of this task are stored rather than run in-process: a registered task (the same
     * method), or, with {@link Builder#everyTask()}, any plain static method reference.
     */
    @Override
    public boolean isDurable(TaskCall call) {
        var task = tasks.get(call.name());
        if (task != null) {
            return task.matches(call);
        }
        return everyTask && call.plainMethodReference() && isStaticMethod(call);
    }

    /**
     * Stores the calls in one engine transaction, all or none; returns their ids in order.
     *
     * @throws TasksUnavailableException if the engine's database cannot be reached now
     */
    @Override
    public List<String> store(List<TaskCall> calls) {
        return enqueueAll(calls);
    }

    // ---------------------------------------------------------------- enqueue outside requests

    /**
     * Stores one call (e.g. from a scheduled job or a command-line tool) and returns its id; with a unique
     * key held by a live task, that task's id.
     *
     * @throws IllegalArgumentException if the call is not of a durable task, or its arguments do not fit
     * @throws TasksUnavailableException if the engine's database cannot be reached now
     * @throws TaskEngineException if the engine could not store it for another reason
     */
    public String enqueue(TaskCall call) {
        return enqueueAll(List.of(call)).get(0);
    }

    /** Stores calls in one transaction, all or none; returns their ids in order. */
    public List<String> enqueueAll(List<TaskCall> calls) {
        if (calls.isEmpty()) {
            return List.of();
        }
        var encoded = new ArrayList<TaskEngine.NewTask>(calls.size());
        for (var call : calls) {
            encoded.add(encode(call));
        }
        var traced = TaskSpans.enqueue(encoded);
        List<String> ids;
        try {
            ids = onEngine(traced.tasks(), engine::enqueue);
        } catch (RuntimeException e) {
            traced.end(null, e);
            throw e;
        }
        traced.end(ids, null);
        stored(encoded, ids);
        return ids;
    }

    /**
     * Runs the application's own {@code work} in one transaction on the engine's database, with the engine's
     * connections (its pool on PostgreSQL, its connection on SQLite): committed when {@code work} returns, rolled back
     * if it throws. With {@link #enqueue(Connection, TaskCall)} inside, the application's rows and their tasks are
     * stored together or not at all. {@code work} must not commit, roll back or close the connection; on SQLite it
     * holds the engine's only connection, so keep it short.
     *
     * <pre>{@code
     * String id = durable.inTransaction(connection -> {
     *     try (var insert = connection.prepareStatement("INSERT INTO uploads (id, content) VALUES (?, ?)")) {
     *         insert.setString(1, uploadId);
     *         insert.setBytes(2, content);
     *         insert.executeUpdate();
     *     }
     *     return durable.enqueue(connection, TaskCall.of(FileJobs::process, uploadId));
     * });
     * }</pre>
     *
     * @throws TasksUnavailableException if the database cannot be reached now (Coda answers {@code 503})
     * @throws SQLException as {@code work} threw it
     * @throws UnsupportedOperationException if the engine has no {@link TransactionalStore} (only the JDBC engines have one)
     */
    public <T> T inTransaction(JdbcWork<T> work) throws SQLException {
        Objects.requireNonNull(work, "work");
        var store = transactionalStore("inTransaction");
        try {
            return store.inTransaction(work);
        } catch (TaskEngineException e) {
            throw unavailable(e);
        }
    }

    /**
     * Work on a JDBC connection, for {@link #inTransaction}: it may throw the {@link SQLException}s of its statements.
     *
     * <pre>{@code
     * DurableTasks.JdbcWork<Long> count = connection -> {
     *     try (var statement = connection.createStatement(); var rows = statement.executeQuery("SELECT count(*) FROM orders")) {
     *         rows.next();
     *         return rows.getLong(1);
     *     }
     * };
     * long orders = durable.inTransaction(count);
     * }</pre>
     */
    @FunctionalInterface
    public interface JdbcWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Calls the engine; a database that cannot be reached is a {@link TasksUnavailableException}. */
    private static <A, T> T onEngine(A argument, Function<A, T> call) {
        try {
            return call.apply(argument);
        } catch (TaskEngineException e) {
            throw unavailable(e);
        }
    }

    /** {@code e} as a {@link TasksUnavailableException} if the engine was unavailable, else itself. */
    private static RuntimeException unavailable(TaskEngineException e) {
        return e.retryAfter().<RuntimeException>map(wait -> new TasksUnavailableException(e.getMessage(), wait, e)).orElse(e);
    }

    /**
     * Stores a call with the application's own JDBC connection, inside its transaction: the task exists
     * if and only if the application commits (no task for a rolled-back order; no order without its task).
     * The connection must be to the engine's database (for SQLite, the same file); it is neither committed
     * nor closed here. On PostgreSQL, workers are notified when the transaction commits.
     *
     * <pre>{@code
     * try (Connection tx = dataSource.getConnection()) {
     *     tx.setAutoCommit(false);
     *     insertOrder(tx, order);
     *     durable.enqueue(tx, TaskCall.of(Orders::confirm, order.id()));
     *     tx.commit();
     * }
     * }</pre>
     *
     * @throws UnsupportedOperationException if the engine has no {@link TransactionalStore} (only the JDBC engines have one)
     */
    public String enqueue(Connection transaction, TaskCall call) throws SQLException {
        return enqueueAll(transaction, List.of(call)).get(0);
    }

    /** Stores calls with the application's own JDBC connection, inside its transaction. */
    public List<String> enqueueAll(Connection transaction, List<TaskCall> calls) throws SQLException {
        var store = transactionalStore("a transactional enqueue");
        var encoded = new ArrayList<TaskEngine.NewTask>(calls.size());
        for (var call : calls) {
            encoded.add(encode(call));
        }
        var traced = TaskSpans.enqueue(encoded);
        List<String> ids;
        try {
            ids = store.enqueue(transaction, traced.tasks());
        } catch (SQLException | RuntimeException e) {
            traced.end(null, e);
            throw e;
        }
        traced.end(ids, null);
        stored(encoded, ids);
        return ids;
    }

    private TransactionalStore transactionalStore(String what) {
        return engine.capability(TransactionalStore.class).orElseThrow(() -> new UnsupportedOperationException(
                what + " needs an engine on a JDBC database (SQLite or PostgreSQL), not " + engine));
    }

    private TaskEngine.NewTask encode(TaskCall call) {
        var task = tasks.get(call.name());
        if (task != null) {
            if (!task.matches(call)) {
                throw new IllegalArgumentException("the durable task " + call.name() + " is " + task.method().getDeclaringClass().getName()
                        + "." + task.method().getName() + ", not " + call.declaringClass() + "." + call.method()
                        + ": task names (SimpleClassName.method) must be unique");
            }
            task.checkArguments(call.arguments());
        } else if (!everyTask) {
            int dot = call.name().lastIndexOf('.');
            var reference = dot < 0 ? call.name() : call.name().substring(0, dot) + "::" + call.name().substring(dot + 1);
            throw new IllegalArgumentException(call.name() + " is not a durable task: register it with DurableTasks.on(engine).task("
                    + reference + ")");
        } else if (!call.plainMethodReference() || !isStaticMethod(call)) {
            throw new IllegalArgumentException(call.name() + " cannot be durable: everyTask() stores static method references "
                    + "(such as FileJobs::process), not lambdas; register an instance method's task with task(jobs::process) or "
                    + "task(FileJobs::process)");
        }
        String json;
        try {
            json = mapper.writeValueAsString(call.arguments());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the arguments of " + call.name() + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
        var options = call.options();
        int attempts = options.maxAttempts() > 0 ? options.maxAttempts() : retryPolicy.maxAttempts();
        return new TaskEngine.NewTask(call.name(), json, options.queue(), options.priority(), options.runAt(), options.uniqueKey(),
                attempts, call.id(), options.timeout(), call.context());
    }

    private boolean isStaticMethod(TaskCall call) {
        if (call.declaringClass() == null) {
            return false;
        }
        return staticMethods.computeIfAbsent(call.declaringClass() + "#" + call.method(), key -> {
            try {
                var type = Class.forName(call.declaringClass(), false, Thread.currentThread().getContextClassLoader());
                return Arrays.stream(type.getDeclaredMethods())
                        .anyMatch(m -> m.getName().equals(call.method()) && Modifier.isStatic(m.getModifiers()));
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }

    private void stored(List<TaskEngine.NewTask> tasks, List<String> ids) {
        boolean debug = LOG.isDebugEnabled();
        for (int i = 0; i < tasks.size(); i++) {
            var task = tasks.get(i);
            enqueued.computeIfAbsent(task.name() + '\0' + task.queue(), k -> TaskMeters.counter(registry, TaskMeters.ENQUEUED,
                    TaskMeters.Kind.DURABLE, task.name(), task.queue())).increment();
            if (debug) {
                try (var a = MDC.putCloseable("task.id", ids.get(i)); var b = MDC.putCloseable("task.name", task.name())) {
                    LOG.debug("Stored durable task {} ({}) on queue {}{}", task.name(), ids.get(i), task.queue(),
                            task.runAt() == null ? "" : ", to run at " + task.runAt());
                }
            }
        }
    }

    // ---------------------------------------------------------------- status and administration

    /**
     * What the engine knows of a task.
     *
     * @throws TasksUnavailableException if the engine's database cannot be reached now
     */
    public Optional<TaskStatus> status(String id) {
        return onEngine(id, engine::status);
    }

    /** How many tasks each queue has in each state. */
    public Map<String, Map<DurableState, Long>> counts() {
        return onEngine(engine, TaskEngine::counts);
    }

    /** Moves a failed or cancelled task back to its queue with a fresh attempt count; returns whether it did. */
    public boolean retry(String id) {
        return onEngine(id, engine::retry);
    }

    /** Cancels a task that has not started; returns whether it did. */
    public boolean cancel(String id) {
        return onEngine(id, engine::cancel);
    }

    /**
     * Deletes succeeded and cancelled tasks that finished more than {@code olderThan} ago; failed tasks are
     * kept until retried. Returns how many were deleted. Run it now and then (e.g. daily): finished rows are
     * not read by claims, but an ever-growing table slows vacuuming and backups.
     */
    public int purge(Duration olderThan) {
        return purge(Set.of(DurableState.SUCCEEDED, DurableState.CANCELLED), olderThan);
    }

    /**
     * Deletes the tasks in {@code states} (final ones: succeeded, failed, cancelled) that finished more than
     * {@code olderThan} ago; returns how many.
     *
     * <pre>{@code
     * durable.purge(Set.of(DurableState.FAILED), Duration.ofDays(30));
     * }</pre>
     *
     * @throws IllegalArgumentException if a state is not final
     */
    public int purge(Set<DurableState> states, Duration olderThan) {
        var before = clock.instant().minus(olderThan);
        return onEngine(states, s -> engine.purge(s, before));
    }

    /** A worker that runs these tasks. */
    public Worker.Builder worker() {
        return new Worker.Builder(this);
    }

    /** The clock of {@link #purge} and the default of its workers' ({@link Builder#clock}). */
    InstantSource clock() {
        return clock;
    }

    /** The engine storing the tasks. */
    public TaskEngine engine() {
        return engine;
    }

    /** How failed tasks are retried. */
    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /** The registered task names. */
    public Set<String> names() {
        return tasks.keySet();
    }

    /** The JSON mapper of arguments and results. */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    TaskMethod task(String name) {
        return tasks.get(name);
    }

    /** The timeout {@code name} was registered with, or {@code null}. */
    Duration timeout(String name) {
        return timeouts.get(name);
    }

    /** Closes the engine if {@link #builder()} opened it; an engine given to {@link #on} is left to its owner. */
    @Override
    public void close() {
        if (ownsEngine) {
            engine.close();
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    @Override
    public String toString() {
        return "DurableTasks" + tasks.keySet() + (everyTask ? "+every static method reference" : "") + " on " + engine;
    }

    /**
     * Declares durable tasks. A task is a method reference, found by its name ({@code SimpleClassName.method}):
     * <ul>
     * <li>a static method, {@code FileJobs::process};
     * <li>an instance method bound to the object workers call it on, {@code jobs::process}: its dependencies (a
     *     repository, an HTTP client) are fields of that object, never stored; only the arguments are JSON;
     * <li>an instance method not bound, {@code FileJobs::process} of an instance method: each worker calls it on the
     *     object given to {@link Worker.Builder#service}, for objects built after the {@code DurableTasks} (they need
     *     its engine, or the app's resources). A worker without one does not start.
     * </ul>
     * The web side enqueues an instance method's task with a bound reference to any instance of its class
     * ({@code tasks.addTask(jobs::process, uploadId)}, {@code TaskCall.of(jobs::process, uploadId)}): like JobRunr's
     * {@code enqueue(() -> service.doWork(x))}, the call names the class, method and arguments, and the worker runs it
     * on its own object.
     *
     * <pre>{@code
     * var durable = DurableTasks.on(engine)
     *         .task(Reports::build)              // static
     *         .task(mailer::send)                // workers call mailer.send(...)
     *         .task(FileJobs::process)           // workers call the FileJobs given to worker().service(jobs)
     *         .build();
     * var jobs = new FileJobs(UploadStore.database(durable));
     * try (var worker = durable.worker().service(jobs).start()) { ... }
     * }</pre>
     */
    public static final class Builder {

        private final TaskEngine engine;
        private final Supplier<TaskEngine> opener;
        private final Map<String, Method> methods = new LinkedHashMap<>();
        private final Map<String, Object> receivers = new LinkedHashMap<>();
        private final Map<String, Duration> timeouts = new LinkedHashMap<>();
        private Duration scopeTimeout;
        private boolean everyTask;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private ObjectMapper mapper;
        private MeterRegistry registry;
        private InstantSource clock = InstantSource.system();

        private Builder(TaskEngine engine, Supplier<TaskEngine> opener) {
            this.engine = engine;
            this.opener = opener;
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public Builder task(TaskFunction.Of0 task) {
            return register(task, TaskCall.of(task));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public Builder task(TaskFunction.AsyncOf0 task) {
            return register(task, TaskCall.of(task));
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public <A> Builder task(TaskFunction.Of1<A> task) {
            return register(task, TaskCall.of(task, null));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public <A> Builder task(TaskFunction.AsyncOf1<A> task) {
            return register(task, TaskCall.of(task, null));
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public <A, B> Builder task(TaskFunction.Of2<A, B> task) {
            return register(task, TaskCall.of(task, null, null));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public <A, B> Builder task(TaskFunction.AsyncOf2<A, B> task) {
            return register(task, TaskCall.of(task, null, null));
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public <A, B, C> Builder task(TaskFunction.Of3<A, B, C> task) {
            return register(task, TaskCall.of(task, null, null, null));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public <A, B, C> Builder task(TaskFunction.AsyncOf3<A, B, C> task) {
            return register(task, TaskCall.of(task, null, null, null));
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public <A, B, C, D> Builder task(TaskFunction.Of4<A, B, C, D> task) {
            return register(task, TaskCall.of(task, null, null, null, null));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public <A, B, C, D> Builder task(TaskFunction.AsyncOf4<A, B, C, D> task) {
            return register(task, TaskCall.of(task, null, null, null, null));
        }

        /** Registers a durable task: a method reference, e.g. {@code FileJobs::process} or {@code jobs::process} (see {@link Builder}). */
        public <A, B, C, D, E> Builder task(TaskFunction.Of5<A, B, C, D, E> task) {
            return register(task, TaskCall.of(task, null, null, null, null, null));
        }

        /** Registers a durable task: a method reference returning a {@code CompletionStage}. */
        public <A, B, C, D, E> Builder task(TaskFunction.AsyncOf5<A, B, C, D, E> task) {
            return register(task, TaskCall.of(task, null, null, null, null, null));
        }

        private Builder register(Serializable function, TaskCall call) {
            var method = TaskMethod.resolve(function, call);
            var existing = methods.putIfAbsent(call.name(), method);
            if (existing != null && !existing.equals(method)) {
                throw new IllegalArgumentException("two durable tasks are named " + call.name() + ": " + describe(existing) + " and "
                        + describe(method) + "; a task's name is SimpleClassName.method and must be unique (rename one)");
            }
            var receiver = TaskMethod.receiver(function);
            if (receiver != null) {
                var previous = receivers.putIfAbsent(call.name(), receiver);
                if (previous != null && previous != receiver) {
                    throw new IllegalArgumentException("the durable task " + call.name() + " is registered on two objects: "
                            + "a worker calls one (register it once)");
                }
            }
            if (scopeTimeout != null) {
                var previous = timeouts.putIfAbsent(call.name(), scopeTimeout);
                if (previous != null && !previous.equals(scopeTimeout)) {
                    throw new IllegalArgumentException("the durable task " + call.name() + " is registered with two timeouts: "
                            + previous + " and " + scopeTimeout);
                }
            }
            return this;
        }

        /**
         * Gives the tasks that {@code declare} registers a default timeout: a worker interrupts and fails (then retries,
         * while attempts remain) an attempt of theirs running longer than {@code limit}. A call's own timeout
         * ({@code tasks.withTimeout(...)}, {@link dev.coda.tasks.TaskOptions#timeout()}) wins over it; it wins over the
         * worker's {@link Worker.Builder#taskTimeout}. Scopes nest: a task takes the innermost one's limit.
         *
         * <pre>{@code
         * DurableTasks.on(engine)
         *         .task(FileJobs::process)                                                      // the worker's timeout, if any
         *         .timeout(Duration.ofMinutes(10), slow -> slow.task(Reports::build).task(Exports::run))
         *         .build();
         * }</pre>
         *
         * @apiNote A scope around {@code task(...)} rather than a timeout parameter on each of its overloads (one per
         *     shape of task function): the registrations stay the same calls, and tasks sharing a limit share it once.
         * @throws IllegalArgumentException if {@code limit} is not positive, or a task is registered with two timeouts
         */
        public Builder timeout(Duration limit, Consumer<Builder> declare) {
            if (limit == null || limit.isNegative() || limit.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + limit);
            }
            Objects.requireNonNull(declare, "declare");
            var outer = scopeTimeout;
            scopeTimeout = limit;
            try {
                declare.accept(this);
            } finally {
                scopeTimeout = outer;
            }
            return this;
        }

        private static String describe(Method method) {
            return method.getDeclaringClass().getName() + "." + method.getName() + Arrays.stream(method.getParameterTypes())
                    .map(Class::getSimpleName).toList().toString().replace('[', '(').replace(']', ')');
        }

        /**
         * Makes every task added with a static method reference durable on the web side, registered or not.
         * Workers still run only the registered names: register on the workers every task the web side stores.
         */
        public Builder everyTask() {
            this.everyTask = true;
            return this;
        }

        /** How failed tasks are retried (default {@link RetryPolicy#DEFAULT}); a task's own maxAttempts wins. */
        public Builder retry(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The JSON mapper for arguments and results (default: Jackson with java.time and Optional, ISO dates). */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.mapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /** Publishes {@code coda.tasks.enqueued} (kind {@code durable}) to this registry (workers take their own). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * The clock that {@link DurableTasks#purge} reads ("finished more than this long ago") and that its workers read
         * unless they are given their own ({@link Worker.Builder#clock}); default: the system's. A test may pass a
         * {@link dev.coda.durable.testing.SettableClock}.
         */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** The durable tasks; for a builder of {@link DurableTasks#builder()}, opens the default engine. */
        public DurableTasks build() {
            var target = engine != null ? engine : opener.get();
            try {
                if (methods.isEmpty() && !everyTask) {
                    LOG.warn("No durable task is registered on {}: nothing will be stored", target);
                }
                return new DurableTasks(this, target);
            } catch (RuntimeException | Error e) {
                if (engine == null) {
                    target.close();
                }
                throw e;
            }
        }
    }
}
