package dev.coda.tasks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The background tasks of one request, FastAPI's {@code BackgroundTasks}: declare a parameter of this
 * type in a path operation or in any dependency, and every one receives the same object for the
 * request. The tasks run, in the order they were added, once the response has been sent.
 *
 * <pre>{@code
 * @Post("/send-notification/{email}")
 * public Map<String, String> sendNotification(String email, BackgroundTasks backgroundTasks) {
 *     backgroundTasks.addTask(Notifications::writeNotification, email, "some notification");
 *     return Map.of("message", "Notification sent in the background");
 * }
 * }</pre>
 *
 * <p>Beyond FastAPI: each {@code addTask} returns a {@link TaskHandle}; a failing task does not stop
 * the ones after it; views choose when and how tasks run:
 * <pre>{@code
 * tasks.onError().addTask(Audit::requestFailed, orderId);            // only if the request fails
 * tasks.always().addTask(Metrics::countOrder, orderId);              // whatever happens
 * tasks.withTimeout(Duration.ofSeconds(5)).addTask(Mailer::send, to);
 * tasks.parallel(group -> {                                          // these two run at the same time
 *     group.addTask(Search::index, orderId);
 *     group.addTask(Cache::evict, orderId);
 * });
 * }</pre>
 *
 * @apiNote Pass method references: their names are the tasks' names in logs, metrics and handles, and
 *     a static method reference with JSON-friendly arguments is exactly what a durable task stores.
 */
public final class BackgroundTasks {

    private final TaskList taskList;
    private final Phase phase;
    private final Duration timeout;
    private final String name;
    private final TaskList.Group group;
    private final TaskOptions options;

    BackgroundTasks(TaskList taskList, Phase phase, Duration timeout, String name, TaskList.Group group) {
        this(taskList, phase, timeout, name, group, TaskOptions.DEFAULT);
    }

    private BackgroundTasks(TaskList taskList, Phase phase, Duration timeout, String name, TaskList.Group group, TaskOptions options) {
        this.taskList = taskList;
        this.phase = phase;
        this.timeout = timeout;
        this.name = name;
        this.group = group;
        this.options = options;
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public TaskHandle addTask(TaskFunction.Of0 task) {
        return add(Invocation.of(task, new Object[] {}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public TaskHandle addTask(TaskFunction.AsyncOf0 task) {
        return add(Invocation.of(task, new Object[] {}));
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public <A> TaskHandle addTask(TaskFunction.Of1<A> task, A a) {
        return add(Invocation.of(task, new Object[] {a}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public <A> TaskHandle addTask(TaskFunction.AsyncOf1<A> task, A a) {
        return add(Invocation.of(task, new Object[] {a}));
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public <A, B> TaskHandle addTask(TaskFunction.Of2<A, B> task, A a, B b) {
        return add(Invocation.of(task, new Object[] {a, b}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public <A, B> TaskHandle addTask(TaskFunction.AsyncOf2<A, B> task, A a, B b) {
        return add(Invocation.of(task, new Object[] {a, b}));
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C> TaskHandle addTask(TaskFunction.Of3<A, B, C> task, A a, B b, C c) {
        return add(Invocation.of(task, new Object[] {a, b, c}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C> TaskHandle addTask(TaskFunction.AsyncOf3<A, B, C> task, A a, B b, C c) {
        return add(Invocation.of(task, new Object[] {a, b, c}));
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C, D> TaskHandle addTask(TaskFunction.Of4<A, B, C, D> task, A a, B b, C c, D d) {
        return add(Invocation.of(task, new Object[] {a, b, c, d}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C, D> TaskHandle addTask(TaskFunction.AsyncOf4<A, B, C, D> task, A a, B b, C c, D d) {
        return add(Invocation.of(task, new Object[] {a, b, c, d}));
    }

    /** Adds a task that runs after the response; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C, D, E> TaskHandle addTask(TaskFunction.Of5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        return add(Invocation.of(task, new Object[] {a, b, c, d, e}));
    }

    /** Adds an asynchronous task, awaited until its stage completes; the arguments are checked against the function's parameters by the compiler. */
    public <A, B, C, D, E> TaskHandle addTask(TaskFunction.AsyncOf5<A, B, C, D, E> task, A a, B b, C c, D d, E e) {
        return add(Invocation.of(task, new Object[] {a, b, c, d, e}));
    }

    /** A view whose tasks run only if the request fails (an exception, an HTTP error, invalid input). */
    public BackgroundTasks onError() {
        return new BackgroundTasks(taskList, Phase.ON_ERROR, timeout, name, group, options);
    }

    /** A view whose tasks run whether the request succeeds or fails. */
    public BackgroundTasks always() {
        return new BackgroundTasks(taskList, Phase.ALWAYS, timeout, name, group, options);
    }

    /**
     * A view whose tasks fail with a {@link java.util.concurrent.TimeoutException} (and are interrupted) past {@code limit}.
     * A durable task stores the limit: the worker running it interrupts and fails (then retries) an attempt running
     * longer, whatever timeout the task was registered with or the worker has. The runtime's
     * {@link TaskRuntime.Builder#defaultTimeout default timeout} applies to in-process tasks only.
     */
    public BackgroundTasks withTimeout(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + limit);
        }
        return new BackgroundTasks(taskList, phase, limit, name, group, options);
    }

    /** A view that gives its tasks this name in logs, metrics and handles (useful for lambdas). */
    public BackgroundTasks named(String taskName) {
        return new BackgroundTasks(taskList, phase, timeout, Objects.requireNonNull(taskName, "taskName"), group, options);
    }

    /**
     * Adds one step made of several tasks that run at the same time; the step ends when all of them
     * have, and the tasks added after it wait for that.
     *
     * @return the handles of the group's tasks
     */
    public List<TaskHandle> parallel(Consumer<BackgroundTasks> members) {
        if (group != null) {
            throw new IllegalStateException("parallel groups do not nest");
        }
        var newGroup = taskList.newGroup();
        members.accept(new BackgroundTasks(taskList, phase, timeout, name, newGroup, options));
        return List.copyOf(newGroup.members());
    }

    /** A view whose durable tasks go to the named queue (workers choose the queues they serve). */
    public BackgroundTasks queue(String queueName) {
        return withOptions(options.withQueue(queueName));
    }

    /** A view whose durable tasks have this priority: higher runs first among the ready tasks of a queue. */
    public BackgroundTasks priority(int value) {
        return withOptions(options.withPriority(value));
    }

    /** A view whose durable tasks run no sooner than {@code delay} from now, on the runtime's clock ({@link TaskRuntime.Builder#clock}). */
    public BackgroundTasks delay(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("negative delay: " + delay);
        }
        return withOptions(options.withRunAt(taskList.runtime().clock().instant().plus(delay)));
    }

    /** A view whose durable tasks run at or after {@code instant}. */
    public BackgroundTasks at(java.time.Instant instant) {
        return withOptions(options.withRunAt(Objects.requireNonNull(instant, "instant")));
    }

    /**
     * A view whose durable task is unique by {@code key}: while a task with the key is queued, scheduled or
     * running, adding another returns the existing one's id instead (an idempotency key).
     */
    public BackgroundTasks uniqueKey(String key) {
        return withOptions(options.withUniqueKey(Objects.requireNonNull(key, "key")));
    }

    /** A view whose durable tasks are attempted at most {@code attempts} times before they fail for good. */
    public BackgroundTasks maxAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + attempts);
        }
        return withOptions(options.withMaxAttempts(attempts));
    }

    private BackgroundTasks withOptions(TaskOptions newOptions) {
        return new BackgroundTasks(taskList, phase, timeout, name, group, newOptions);
    }

    /** The handles of every task added so far, in order. */
    public List<TaskHandle> handles() {
        return List.copyOf(taskList.entries());
    }

    private TaskHandle add(Invocation invocation) {
        var runtime = taskList.runtime();
        var durable = runtime.isDurable(invocation, options);
        if (!durable && options != TaskOptions.DEFAULT && !options.equals(TaskOptions.DEFAULT)) {
            throw new IllegalArgumentException("queue, priority, delay, uniqueKey and maxAttempts apply to durable tasks; "
                    + invocation.name().name() + " runs in-process (declare it durable to use them)");
        }
        var entryOptions = durable && timeout != null ? options.withTimeout(timeout) : options;
        var entry = new TaskEntry(taskList, invocation, name, phase, timeout == null ? runtime.defaultTimeout() : timeout,
                MdcSnapshots.capture(), runtime.captureContexts(), entryOptions, durable);
        taskList.add(group, entry);
        return entry;
    }

    TaskList taskList() {
        return taskList;
    }

    @Override
    public String toString() {
        return "BackgroundTasks" + new ArrayList<>(taskList.entries());
    }
}
