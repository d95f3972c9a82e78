package dev.coda.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs background tasks on virtual threads, after the unit of work that added them (a request) has
 * completed: at most {@code maxConcurrency} units at a time, at most {@code maxQueuedTasks} tasks
 * waiting, failures isolated and logged once, and a graceful shutdown that drains within a deadline.
 * A Coda app creates one; the web layer calls {@link #newTasks} per request and {@link #dispatch} when
 * the response is complete.
 *
 * <pre>{@code
 * TaskRuntime runtime = TaskRuntime.builder()
 *     .maxConcurrency(64)
 *     .maxQueuedTasks(10_000)
 *     .overflowPolicy(OverflowPolicy.REJECT)
 *     .shutdownTimeout(Duration.ofSeconds(30))
 *     .meterRegistry(registry)
 *     .build();
 *
 * BackgroundTasks tasks = runtime.newTasks("nightly-import", "run-42");
 * tasks.addTask(Importer::importFile, path);
 * runtime.dispatch(tasks, false).toCompletableFuture().join();   // the unit of work succeeded: run them
 * }</pre>
 */
public final class TaskRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.tasks");

    private final int maxConcurrency;
    private final int maxQueuedTasks;
    private final OverflowPolicy overflowPolicy;
    private final boolean failFast;
    private final Duration shutdownTimeout;
    private final Duration defaultTimeout;
    private final TaskErrorHandler errorHandler;
    private final List<ContextPropagator> propagators;
    private final TaskMetrics metrics;
    private final DurableHandoff handoff;
    private final ThreadFactory threads = Thread.ofVirtual().name("coda-task-", 0).factory();

    private final ConcurrentLinkedDeque<Queued> waiting = new ConcurrentLinkedDeque<>();
    private final AtomicInteger queuedTasks = new AtomicInteger();
    private final AtomicInteger runningBatches = new AtomicInteger();
    private final AtomicInteger runningTasks = new AtomicInteger();
    private final Set<Batch> active = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean shuttingDown;

    private record Queued(Batch batch, List<Batch.Step> steps, int size) {
    }

    private TaskRuntime(Builder b) {
        this.maxConcurrency = b.maxConcurrency;
        this.maxQueuedTasks = b.maxQueuedTasks;
        this.overflowPolicy = b.overflowPolicy;
        this.failFast = b.failFast;
        this.shutdownTimeout = b.shutdownTimeout;
        this.defaultTimeout = b.defaultTimeout;
        this.errorHandler = b.errorHandler;
        this.propagators = List.copyOf(b.propagators);
        this.metrics = new TaskMetrics(b.meterRegistry, this);
        this.handoff = b.handoff;
    }

    /** A builder with the defaults: 512 concurrent units, 100,000 queued tasks, {@link OverflowPolicy#REJECT}, 30 s shutdown. */
    public static Builder builder() {
        return new Builder();
    }

    /** A runtime with the defaults. */
    public static TaskRuntime create() {
        return builder().build();
    }

    /**
     * An empty task list for one unit of work.
     *
     * @param origin what the work is, for logs (e.g. {@code POST /send-notification/{email}})
     * @param correlationId its id, for logs (e.g. the request id)
     */
    public BackgroundTasks newTasks(String origin, String correlationId) {
        return new BackgroundTasks(new Batch(this, origin, correlationId), Phase.ON_SUCCESS, null, null, null);
    }

    /**
     * Hands the tasks of a completed unit of work over to be run; returns at once, without running
     * anything on the calling thread. Tasks whose phase does not match the outcome are cancelled (those
     * skipped because the unit failed are logged). No task can be added afterwards.
     *
     * @param unitFailed whether the unit of work failed
     * @return completes once every task of the unit has finished, failed or been cancelled
     */
    public CompletionStage<Void> dispatch(BackgroundTasks tasks, boolean unitFailed) {
        var batch = tasks.batch();
        if (batch.runtime() != this) {
            throw new IllegalArgumentException("these tasks belong to another TaskRuntime");
        }
        storeLate(tasks, unitFailed);
        var steps = withoutDurable(batch.seal());
        var runnable = new ArrayList<Batch.Step>(steps.size());
        var skipped = new ArrayList<String>();
        int size = 0;
        for (var step : steps) {
            switch (step) {
                case Batch.Single s -> {
                    if (s.entry().phase.runs(unitFailed)) {
                        runnable.add(s);
                        size++;
                    } else {
                        skip(s.entry(), unitFailed, skipped);
                    }
                }
                case Batch.Group g -> {
                    var members = new ArrayList<TaskEntry>();
                    for (var m : g.members()) {
                        if (m.phase.runs(unitFailed)) {
                            members.add(m);
                        } else {
                            skip(m, unitFailed, skipped);
                        }
                    }
                    if (!members.isEmpty()) {
                        runnable.add(new Batch.Group(members));
                        size += members.size();
                    }
                }
            }
        }
        if (!skipped.isEmpty()) {
            LOG.warn("{} failed (request {}); its background task(s) {} will not run", batch.origin(), batch.correlationId(), skipped);
        }
        if (runnable.isEmpty()) {
            batch.done.complete(null);
            return batch.done.minimalCompletionStage();
        }
        submit(new Queued(batch, runnable, size));
        return batch.done.minimalCompletionStage();
    }

    /**
     * Hands the unit's durable tasks to the durable engine, before the unit's answer is sent (the web layer
     * calls it before writing the response, so that {@code 202 Accepted} means stored). Tasks whose phase
     * does not match the outcome are not stored. Does nothing without a {@link Builder#durable} handoff.
     *
     * @throws Exception when the engine could not store them; none is then stored
     */
    public void persist(BackgroundTasks tasks, boolean unitFailed) throws Exception {
        if (handoff == null) {
            return;
        }
        var pending = new ArrayList<TaskEntry>();
        for (var entry : tasks.batch().entries()) {
            if (entry.durable && !entry.isStored() && !entry.state().isTerminal() && entry.phase.runs(unitFailed)) {
                pending.add(entry);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        var ids = handoff.store(pending.stream().map(TaskEntry::call).toList());
        if (ids.size() != pending.size()) {
            throw new IllegalStateException("the durable engine returned " + ids.size() + " ids for " + pending.size() + " tasks");
        }
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).stored(ids.get(i));
        }
    }

    /** Stores durable tasks that {@link #persist} was not called for; a failure fails them, visibly. */
    private void storeLate(BackgroundTasks tasks, boolean unitFailed) {
        try {
            persist(tasks, unitFailed);
        } catch (Exception e) {
            var batch = tasks.batch();
            var names = new ArrayList<String>();
            for (var entry : batch.entries()) {
                if (entry.durable && !entry.isStored() && entry.phase.runs(unitFailed) && entry.finish(TaskState.FAILED, e)) {
                    names.add(entry.name());
                    metrics.finished(entry, TaskState.FAILED, -1);
                    notifyErrorHandler(entry, e);
                }
            }
            LOG.error("Could not store the durable task(s) {} of {} (request {})", names, batch.origin(), batch.correlationId(), e);
        }
    }

    /** The steps without the durable tasks, which run elsewhere (or failed to be stored). */
    private static List<Batch.Step> withoutDurable(List<Batch.Step> steps) {
        var out = new ArrayList<Batch.Step>(steps.size());
        for (var step : steps) {
            switch (step) {
                case Batch.Single s -> {
                    if (!s.entry().durable) {
                        out.add(s);
                    }
                }
                case Batch.Group g -> {
                    var members = g.members().stream().filter(m -> !m.durable).toList();
                    if (!members.isEmpty()) {
                        out.add(new Batch.Group(new ArrayList<>(members)));
                    }
                }
            }
        }
        return out;
    }

    boolean isDurable(Invocation invocation, TaskOptions options) {
        return handoff != null && handoff.isDurable(TaskCall.from(invocation, options));
    }

    private void skip(TaskEntry entry, boolean unitFailed, List<String> skipped) {
        var reason = unitFailed ? "its request failed" : "it runs only when its request fails, and it succeeded";
        if (entry.finish(TaskState.CANCELLED, new CancellationException("not run: " + reason))) {
            metrics.finished(entry, TaskState.CANCELLED, -1);
            if (unitFailed) {
                skipped.add(entry.name());
            }
        }
    }

    /** Tasks waiting to run. */
    public int queuedTasks() {
        return queuedTasks.get();
    }

    /** Tasks running now. */
    public int runningTasks() {
        return runningTasks.get();
    }

    Duration defaultTimeout() {
        return defaultTimeout;
    }

    List<ContextPropagator.Snapshot> captureContexts() {
        if (propagators.isEmpty()) {
            return List.of();
        }
        var out = new ArrayList<ContextPropagator.Snapshot>(propagators.size());
        for (var p : propagators) {
            out.add(p.capture());
        }
        return out;
    }

    void taskCancelledWhileQueued(TaskEntry entry) {
        metrics.finished(entry, TaskState.CANCELLED, -1);
    }

    private void submit(Queued queued) {
        // Registered before shuttingDown is read: a concurrent shutdown either is seen here or sees this unit.
        active.add(queued.batch());
        if (shuttingDown) {
            reject(queued, "the task runtime is shutting down");
            return;
        }
        while (true) {
            int now = queuedTasks.get();
            if (now + queued.size() <= maxQueuedTasks) {
                if (queuedTasks.compareAndSet(now, now + queued.size())) {
                    break;
                }
                continue;
            }
            if (overflowPolicy == OverflowPolicy.DISCARD_OLDEST && queued.size() <= maxQueuedTasks) {
                var oldest = waiting.pollFirst();
                if (oldest != null) {
                    queuedTasks.addAndGet(-oldest.size());
                    reject(oldest, "the queue was full (" + maxQueuedTasks + " tasks) and newer tasks arrived");
                    continue;
                }
            }
            reject(queued, "the queue is full (" + maxQueuedTasks + " tasks)");
            return;
        }
        waiting.addLast(queued);
        pump();
    }

    private void reject(Queued queued, String why) {
        var names = new ArrayList<String>();
        var rejected = new ArrayList<TaskEntry>();
        for (var entry : entries(queued.steps())) {
            var error = new RejectedExecutionException("background task " + entry.name() + " rejected: " + why);
            if (entry.finish(TaskState.FAILED, error)) {
                names.add(entry.name());
                metrics.rejected();
                metrics.finished(entry, TaskState.FAILED, -1);
                rejected.add(entry);
            }
        }
        LOG.error("Rejected the background task(s) {} of {} (request {}): {}", names, queued.batch().origin(),
                queued.batch().correlationId(), why);
        if (errorHandler == null || rejected.isEmpty()) {
            finishBatch(queued.batch());
            return;
        }
        // the error handler is user code: never on the dispatching thread (Jetty's completion of the exchange)
        threads.newThread(() -> {
            try {
                rejected.forEach(entry -> notifyErrorHandler(entry, entry.failure().orElseThrow()));
            } finally {
                finishBatch(queued.batch());
            }
        }).start();
    }

    private static List<TaskEntry> entries(List<Batch.Step> steps) {
        var out = new ArrayList<TaskEntry>();
        for (var step : steps) {
            switch (step) {
                case Batch.Single s -> out.add(s.entry());
                case Batch.Group g -> out.addAll(g.members());
            }
        }
        return out;
    }

    private void pump() {
        while (true) {
            int running = runningBatches.get();
            if (running >= maxConcurrency || waiting.isEmpty()) {
                return;
            }
            if (!runningBatches.compareAndSet(running, running + 1)) {
                continue;
            }
            var next = waiting.pollFirst();
            if (next == null) {
                runningBatches.decrementAndGet();
                continue;
            }
            threads.newThread(() -> {
                try {
                    run(next);
                } finally {
                    runningBatches.decrementAndGet();
                    pump();
                }
            }).start();
        }
    }

    private void run(Queued queued) {
        boolean failed = false;
        try {
            for (var step : queued.steps()) {
                if (failed && failFast) {
                    cancelSkipped(step, queued);
                    continue;
                }
                failed |= switch (step) {
                    case Batch.Single s -> !runOne(s.entry(), queued);
                    case Batch.Group g -> !runGroup(g, queued);
                };
            }
        } finally {
            finishBatch(queued.batch());
        }
    }

    private void cancelSkipped(Batch.Step step, Queued queued) {
        for (var entry : entries(List.of(step))) {
            queuedTasks.decrementAndGet();
            if (entry.finish(TaskState.CANCELLED, new CancellationException("not run: an earlier task of its request failed (fail-fast)"))) {
                metrics.finished(entry, TaskState.CANCELLED, -1);
                LOG.warn("Background task {} of {} (request {}) not run: an earlier task failed (fail-fast)", entry.name(),
                        queued.batch().origin(), queued.batch().correlationId());
            }
        }
    }

    private boolean runGroup(Batch.Group group, Queued queued) {
        var threadsOfGroup = new ArrayList<Thread>(group.members().size());
        var results = new boolean[group.members().size()];
        for (int i = 0; i < group.members().size(); i++) {
            int index = i;
            var entry = group.members().get(i);
            threadsOfGroup.add(threads.newThread(() -> results[index] = runOne(entry, queued)));
        }
        threadsOfGroup.forEach(Thread::start);
        boolean interrupted = false;
        for (var t : threadsOfGroup) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    threadsOfGroup.forEach(Thread::interrupt);
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        boolean ok = true;
        for (var r : results) {
            ok &= r;
        }
        return ok;
    }

    /** Runs one task on the current thread (or, with a timeout, on a thread of its own); returns whether it succeeded. */
    private boolean runOne(TaskEntry entry, Queued queued) {
        queuedTasks.decrementAndGet();
        if (!entry.start(Thread.currentThread())) {
            return true;
        }
        runningTasks.incrementAndGet();
        long started = System.nanoTime();
        final Throwable failure;
        try {
            failure = entry.timeout == null ? invoke(entry, queued) : invokeWithTimeout(entry, queued);
        } finally {
            // Once detached, cancel() and shutdown no longer interrupt this thread for the task, so clearing the
            // flag now guarantees that an interrupt meant for this task never reaches the next one.
            entry.detach();
            Thread.interrupted();
            runningTasks.decrementAndGet();
        }
        long nanos = System.nanoTime() - started;
        if (failure == null) {
            if (entry.finish(TaskState.SUCCEEDED, null)) {
                metrics.finished(entry, TaskState.SUCCEEDED, nanos);
            }
            return true;
        }
        if (entry.cancelRequested()) {
            if (entry.finish(TaskState.CANCELLED, new CancellationException("cancelled while running"))) {
                metrics.finished(entry, TaskState.CANCELLED, nanos);
                LOG.info("Background task {} of {} (request {}) was cancelled while running", entry.name(),
                        queued.batch().origin(), queued.batch().correlationId());
            }
            return false;
        }
        if (entry.finish(TaskState.FAILED, failure)) {
            metrics.finished(entry, TaskState.FAILED, nanos);
            withContext(entry, () -> LOG.error("Background task {} (id {}) of {} (request {}) failed", entry.name(), entry.id(),
                    queued.batch().origin(), queued.batch().correlationId(), failure));
            notifyErrorHandler(entry, failure);
        }
        return false;
    }

    private Throwable invokeWithTimeout(TaskEntry entry, Queued queued) {
        var result = new CompletableFuture<Throwable>();
        var worker = threads.newThread(() -> result.complete(invoke(entry, queued)));
        worker.start();
        try {
            return result.get(entry.timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            worker.interrupt();
            return new TimeoutException("background task " + entry.name() + " did not finish within " + entry.timeout);
        } catch (InterruptedException e) {
            worker.interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Calls the task with its captured context; returns its failure or {@code null}. */
    private Throwable invoke(TaskEntry entry, Queued queued) {
        var scopes = new ArrayList<AutoCloseable>(entry.contexts.size());
        var previous = MDC.getCopyOfContextMap();
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            for (var snapshot : entry.contexts) {
                scopes.add(snapshot.activate());
            }
            var result = entry.invocation.invoke();
            if (result instanceof CompletionStage<?> stage) {
                try {
                    stage.toCompletableFuture().get();
                } catch (ExecutionException e) {
                    return e.getCause() == null ? e : e.getCause();
                }
            }
            return null;
        } catch (Throwable t) {
            return t;
        } finally {
            for (int i = scopes.size() - 1; i >= 0; i--) {
                try {
                    scopes.get(i).close();
                } catch (Exception e) {
                    LOG.warn("Restoring the context after background task {} failed", entry.name(), e);
                }
            }
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }

    private void withContext(TaskEntry entry, Runnable action) {
        var previous = MDC.getCopyOfContextMap();
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            action.run();
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }

    private void notifyErrorHandler(TaskEntry entry, Throwable error) {
        if (errorHandler == null) {
            return;
        }
        try {
            errorHandler.onFailure(entry, error);
        } catch (Throwable t) {
            LOG.warn("The task error handler failed for {}", entry.name(), t);
        }
    }

    private void finishBatch(Batch batch) {
        active.remove(batch);
        batch.done.complete(null);
        if (shuttingDown) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Stops accepting tasks, lets queued and running ones finish until {@code deadline}, then cancels what
     * is left (interrupting running tasks) and logs each abandoned task by name.
     *
     * @return whether every task finished before the deadline
     */
    public boolean shutdown(Duration deadline) {
        shuttingDown = true;
        long end = System.nanoTime() + deadline.toNanos();
        lock.lock();
        try {
            while (!active.isEmpty()) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                idle.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        if (active.isEmpty()) {
            return true;
        }
        var abandoned = new ArrayList<TaskEntry>();
        var described = new ArrayList<String>();
        // Units still waiting for a slot will never get one: take them out of the queue and complete them.
        for (Queued queued; (queued = waiting.pollFirst()) != null; ) {
            queuedTasks.addAndGet(-queued.size());
            abandon(queued.batch(), entries(queued.steps()), deadline, abandoned, described);
            finishBatch(queued.batch());
        }
        // Cancel every unfinished task of the running units before interrupting any of them: an interrupted task
        // then ends CANCELLED rather than FAILED, and its unit cannot start its next task once it stops.
        for (var batch : List.copyOf(active)) {
            abandon(batch, batch.entries(), deadline, abandoned, described);
        }
        abandoned.forEach(TaskEntry::interrupt);
        LOG.error("Shutdown deadline of {} passed; abandoned {} background task(s): {}", deadline, described.size(), described);
        return false;
    }

    private void abandon(Batch batch, List<TaskEntry> entries, Duration deadline, List<TaskEntry> abandoned,
                         List<String> described) {
        for (var entry : entries) {
            var state = entry.state();
            if (!state.isTerminal() && entry.finish(TaskState.CANCELLED,
                    new CancellationException("abandoned at shutdown after " + deadline))) {
                abandoned.add(entry);
                described.add(entry.name() + " (" + batch.origin() + ", request " + batch.correlationId() + ", was " + state + ")");
                metrics.finished(entry, TaskState.CANCELLED, -1);
            }
        }
    }

    /** {@link #shutdown(Duration)} with the configured shutdown timeout. */
    @Override
    public void close() {
        shutdown(shutdownTimeout);
    }

    /** The configured shutdown timeout. */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** Settings of a {@link TaskRuntime}. */
    public static final class Builder {
        private int maxConcurrency = 512;
        private int maxQueuedTasks = 100_000;
        private OverflowPolicy overflowPolicy = OverflowPolicy.REJECT;
        private boolean failFast;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private Duration defaultTimeout;
        private TaskErrorHandler errorHandler;
        private final List<ContextPropagator> propagators = new ArrayList<>();
        private MeterRegistry meterRegistry;
        private DurableHandoff handoff;

        private Builder() {
        }

        /**
         * Sends the tasks {@code handoff} declares durable to a durable engine, stored before the response,
         * instead of running them in-process.
         */
        public Builder durable(DurableHandoff durableHandoff) {
            this.handoff = Objects.requireNonNull(durableHandoff, "durableHandoff");
            return this;
        }

        /** How many units of work (requests) run their tasks at the same time; default 512. */
        public Builder maxConcurrency(int units) {
            if (units < 1) {
                throw new IllegalArgumentException("maxConcurrency must be at least 1: " + units);
            }
            this.maxConcurrency = units;
            return this;
        }

        /** How many tasks may wait for a slot; default 100,000. Past it, the {@link OverflowPolicy} applies. */
        public Builder maxQueuedTasks(int tasks) {
            if (tasks < 1) {
                throw new IllegalArgumentException("maxQueuedTasks must be at least 1: " + tasks);
            }
            this.maxQueuedTasks = tasks;
            return this;
        }

        /** What happens when the queue is full; default {@link OverflowPolicy#REJECT}. */
        public Builder overflowPolicy(OverflowPolicy policy) {
            this.overflowPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Whether a failing task cancels the later tasks of its request (FastAPI's behaviour); default false. */
        public Builder failFast(boolean enabled) {
            this.failFast = enabled;
            return this;
        }

        /** How long {@link TaskRuntime#close()} waits for queued and running tasks; default 30 seconds. */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** A timeout for every in-process task that sets none; default none (durable tasks are timed by their workers). */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = timeout;
            return this;
        }

        /** Told about every failed task. */
        public Builder errorHandler(TaskErrorHandler handler) {
            this.errorHandler = handler;
            return this;
        }

        /** Carries more context than the MDC into tasks; may be called several times. */
        public Builder contextPropagator(ContextPropagator propagator) {
            this.propagators.add(Objects.requireNonNull(propagator, "propagator"));
            return this;
        }

        /** Publishes {@code coda.tasks.*} metrics to this registry. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = registry;
            return this;
        }

        public TaskRuntime build() {
            return new TaskRuntime(this);
        }
    }
}
