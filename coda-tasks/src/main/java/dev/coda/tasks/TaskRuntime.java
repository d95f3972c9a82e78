package dev.coda.tasks;

import io.micrometer.core.instrument.MeterRegistry;
import dev.coda.tasks.internal.SummarizedLog;
import dev.coda.tasks.internal.TaskThreads;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Runs background tasks on its own task threads, after the unit of work that added them (a request) has
 * completed: at most {@code maxConcurrency} task lists at a time, at most {@code maxQueuedTasks} tasks
 * waiting, failures isolated and logged once, and a graceful shutdown that drains within a deadline.
 * A Coda app creates one; the web layer calls {@link #newTasks} per request and {@link #dispatch} when
 * the response is complete.
 *
 * <p>Past 400 lines because selecting a request's tasks by phase, handing them over, running them and the shutdown's
 * drain change the same state together (the unfinished task lists, the admission, the lock the drain waits on); the
 * admission's counts are {@link Admission}, calling one task is {@link TaskInvoker}, and its builder is ~120 lines.
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

    private final OverflowPolicy overflowPolicy;
    private final boolean failFast;
    private final Duration shutdownTimeout;
    private final Duration defaultTimeout;
    private final TaskErrorHandler errorHandler;
    private final List<ContextPropagator> propagators;
    private final TaskMetrics metrics;
    private final DurableHandoff handoff;
    private final RecentTasks.Recorder recorder;
    private final InstantSource clock;
    private final TaskInvoker invoker;
    /** Task lists refused because their tasks could not be accepted: one line at once, then a summary per interval. */
    private final SummarizedLog refusals;
    /** Task lists whose tasks were rejected or refused because the queue was full (or the runtime stopping). */
    private final SummarizedLog rejections;
    /** What a client refused for a full queue is told to wait before trying again. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private final TaskThreads threads;

    /** Slots for running task lists, the count of waiting tasks, and the task lists waiting for a slot. */
    private final Admission<TaskList> admission;
    private final AtomicInteger runningTasks = new Admission.PaddedInt();
    /** Every dispatched task list until it has finished: waiting, about to start, or running. */
    private final Unfinished unfinished = new Unfinished();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean shuttingDown;

    private TaskRuntime(Builder b) {
        this.admission = new Admission<>(b.maxConcurrency, b.maxQueuedTasks);
        this.overflowPolicy = b.overflowPolicy;
        this.failFast = b.failFast;
        this.shutdownTimeout = b.shutdownTimeout;
        this.defaultTimeout = b.defaultTimeout;
        this.errorHandler = b.errorHandler;
        this.propagators = List.copyOf(b.propagators);
        this.metrics = new TaskMetrics(b.meterRegistry, this);
        this.handoff = b.handoff;
        this.clock = b.clock;
        this.recorder = new RecentTasks.Recorder(clock);
        this.refusals = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), clock);
        this.rejections = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), clock);
        this.threads = new TaskThreads("coda-task-", Duration.ofSeconds(60), b.niceness);
        this.invoker = new TaskInvoker(this::start);
    }

    /** A builder with the defaults: 512 concurrent task lists, 100,000 queued tasks, {@link OverflowPolicy#REJECT}, 30 s shutdown. */
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
        return new BackgroundTasks(new TaskList(this, origin, correlationId), Phase.ON_SUCCESS, null, null, null);
    }

    /**
     * Accepts the tasks of a unit of work before its answer is sent, so that the answer never says "accepted"
     * for work that will not run: counts its in-process tasks in the queue (they start at {@link #dispatch}),
     * then stores its durable tasks ({@link #persist}). No task can be added afterwards. Tasks whose phase
     * does not match the outcome are cancelled now.
     *
     * <p>When they cannot all be accepted, none is: every task of the task list ends {@link TaskState#FAILED}, the
     * refusal is counted ({@code coda.tasks.rejections}) and logged as a summary, and {@link #dispatch} will run
     * nothing. Under {@link OverflowPolicy#DISCARD_OLDEST} a full queue rejects its oldest waiting task lists
     * instead.
     *
     * @param unitFailed whether the unit of work failed; {@link #dispatch} must be told the same
     * @throws TasksUnavailableException if the queue is full or the durable engine is unavailable
     * @throws Exception if the durable engine could not store the tasks for another reason
     */
    public void admit(BackgroundTasks tasks, boolean unitFailed) throws Exception {
        var taskList = own(tasks);
        var tasksRun = selectToRun(taskList, unitFailed, TaskList.Stage.ADMITTED);
        if (tasksRun && !countQueued(taskList.size)) {
            var refused = new TasksUnavailableException("the task queue is full (" + admission.maxQueuedTasks() + " tasks)", RETRY_AFTER, null);
            rejections.record("Refused the background task(s) of {} (request {}): {}", taskList.origin(), taskList.correlationId(),
                    refused.getMessage());
            refuse(taskList, false, refused);
            throw refused;
        }
        try {
            persist(tasks, unitFailed);
        } catch (Exception e) {
            refuse(taskList, tasksRun, e);
            throw e;
        }
    }

    /**
     * Hands the tasks of a completed unit of work over to be run; returns at once, without running
     * anything on the calling thread. Tasks whose phase does not match the outcome are cancelled (those
     * skipped because the unit of work failed are logged). No task can be added afterwards. After {@link #admit},
     * the admitted tasks start (or none, if they were refused).
     *
     * @param unitFailed whether the unit of work failed
     * @return completes once every task of the task list has finished, failed or been cancelled
     */
    public CompletionStage<Void> dispatch(BackgroundTasks tasks, boolean unitFailed) {
        var taskList = own(tasks);
        switch (taskList.advance(TaskList.Stage.DISPATCHED)) {
            case OPEN -> {
                storeLate(tasks, unitFailed);
                if (selectToRun(taskList, unitFailed, null)) {
                    submit(taskList, false);
                } else {
                    taskList.done.finish();
                }
            }
            case ADMITTED -> {
                if (taskList.runCount() > 0) {
                    submit(taskList, true);
                } else {
                    taskList.done.finish();
                }
            }
            case REFUSED, DISPATCHED -> {
                // refused: its tasks have ended, and refuse() completes the task list
            }
        }
        return taskList.done;
    }

    private TaskList own(BackgroundTasks tasks) {
        var taskList = tasks.taskList();
        if (taskList.runtime() != this) {
            throw new IllegalArgumentException("these tasks belong to another TaskRuntime");
        }
        return taskList;
    }

    /**
     * Fails every task of a task list whose tasks could not be accepted (those of its durable tasks not stored, and
     * its in-process tasks), gives back what it counted in the queue, and completes it once the error handler
     * has heard of each.
     */
    private void refuse(TaskList taskList, boolean counted, Exception why) {
        taskList.advance(TaskList.Stage.REFUSED);
        if (counted) {
            admission.uncount(taskList.size);
        }
        var refused = new ArrayList<TaskEntry>();
        for (var entry : taskList.entries()) {
            if (entry.finish(TaskState.FAILED, why)) {
                if (!entry.durable) {
                    metrics.rejected(entry);
                }
                finished(entry, TaskState.FAILED, -1);
                refused.add(entry);
            }
        }
        notifyThenFinish(refused, taskList.done::finish);
    }

    /**
     * Moves the task list to {@code advanceTo} (unless null: moved already), then chooses its steps that run here and sets them on it ({@link TaskList#runAll}, {@link TaskList#runOnly}): not the
     * durable tasks, which run elsewhere (or failed to be stored); tasks whose phase does not match the
     * outcome are cancelled (and, when the unit of work failed, logged). Returns whether any task is left to run.
     */
    private boolean selectToRun(TaskList taskList, boolean unitFailed, TaskList.Stage advanceTo) {
        if (advanceTo != null) {
            taskList.advance(advanceTo);
        }
        int count = taskList.stepCount();
        if (!taskList.hasDurable()) {
            // The common case, every task runs: the task list's own steps, as they are.
            int size = 0;
            boolean all = true;
            for (int i = 0; i < count && all; i++) {
                switch (taskList.step(i)) {
                    case TaskEntry entry -> {
                        all = entry.phase.runs(unitFailed);
                        size++;
                    }
                    case TaskList.Group g -> {
                        all = !g.members().isEmpty();
                        for (var m : g.members()) {
                            all &= m.phase.runs(unitFailed);
                        }
                        size += g.members().size();
                    }
                }
            }
            if (all) {
                taskList.runAll(size);
                return count > 0;
            }
        }
        var runnable = new ArrayList<TaskList.Step>(count);
        List<String> skipped = null;
        int size = 0;
        for (int i = 0; i < count; i++) {
            switch (taskList.step(i)) {
                case TaskEntry entry -> {
                    if (entry.durable) {
                        continue;
                    }
                    if (entry.phase.runs(unitFailed)) {
                        runnable.add(entry);
                        size++;
                    } else {
                        skipped = skip(entry, unitFailed, skipped);
                    }
                }
                case TaskList.Group g -> {
                    var members = new ArrayList<TaskEntry>();
                    for (var m : g.members()) {
                        if (m.durable) {
                            continue;
                        }
                        if (m.phase.runs(unitFailed)) {
                            members.add(m);
                        } else {
                            skipped = skip(m, unitFailed, skipped);
                        }
                    }
                    if (!members.isEmpty()) {
                        runnable.add(new TaskList.Group(members));
                        size += members.size();
                    }
                }
            }
        }
        if (skipped != null) {
            // INFO: a client's bad request must not cost a warning line each; the phase is what the code asked for
            LOG.info("{} failed (request {}); its background task(s) {} will not run", taskList.origin(), taskList.correlationId(), skipped);
        }
        taskList.runOnly(runnable, size);
        return !runnable.isEmpty();
    }

    /**
     * Hands the task list's durable tasks to the durable engine, before its answer is sent (the web layer
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
        for (var entry : tasks.taskList().entries()) {
            if (entry.durable && !entry.isStored() && !entry.state().isTerminal() && entry.phase.runs(unitFailed)) {
                pending.add(entry);
            }
        }
        if (pending.isEmpty()) {
            return;
        }
        List<String> ids;
        try {
            ids = handoff.store(pending.stream().map(TaskEntry::call).toList());
        } catch (TasksUnavailableException e) {
            var taskList = tasks.taskList();
            refusals.record("Could not store the durable task(s) of {} (request {}): {}", taskList.origin(), taskList.correlationId(),
                    e.getMessage());
            failUnstored(pending, e);
            throw e;
        } catch (Exception e) {
            LOG.error("Could not store the durable task(s) of {} (request {})", tasks.taskList().origin(), tasks.taskList().correlationId(), e);
            failUnstored(pending, e);
            throw e;
        }
        if (ids.size() != pending.size()) {
            var e = new IllegalStateException("the durable engine returned " + ids.size() + " ids for " + pending.size() + " tasks");
            failUnstored(pending, e);
            throw e;
        }
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).stored(ids.get(i));
        }
    }

    /** Stores durable tasks that {@link #persist} was not called for; a failure has failed them, visibly. */
    private void storeLate(BackgroundTasks tasks, boolean unitFailed) {
        try {
            persist(tasks, unitFailed);
        } catch (Exception e) {
            // logged, and the tasks failed, by persist
        }
    }

    /** Fails durable tasks that could not be stored, so that nothing stores them later. */
    private void failUnstored(List<TaskEntry> unstored, Exception e) {
        for (var entry : unstored) {
            if (entry.finish(TaskState.FAILED, e)) {
                finished(entry, TaskState.FAILED, -1);
                notifyErrorHandler(entry, e);
            }
        }
    }

    boolean isDurable(Invocation invocation, TaskOptions options) {
        return handoff != null && handoff.isDurable(TaskCall.from(invocation, options));
    }

    /** Cancels a task whose phase does not match the outcome; returns {@code skipped}, with its name if it is to be logged. */
    private List<String> skip(TaskEntry entry, boolean unitFailed, List<String> skipped) {
        var reason = unitFailed ? "its request failed" : "it runs only when its request fails, and it succeeded";
        if (entry.finish(TaskState.CANCELLED, new CancellationException("not run: " + reason))) {
            finished(entry, TaskState.CANCELLED, -1);
            if (unitFailed) {
                if (skipped == null) {
                    skipped = new ArrayList<>();
                }
                skipped.add(entry.name());
            }
        }
        return skipped;
    }

    /** Tasks waiting to run. */
    public int queuedTasks() {
        return admission.queuedTasks();
    }

    /**
     * The in-process tasks running now, and the last {@value RecentTasks#KEPT} finished and failed ones, with their
     * errors: a copy, read when called. Durable tasks stored for a worker are not among them.
     */
    public RecentTasks recent() {
        return recorder.read();
    }

    /** Tasks running now. */
    public int runningTasks() {
        return runningTasks.get();
    }

    Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The clock of {@link Builder#clock}: a delayed durable task's run time counts from it. */
    InstantSource clock() {
        return clock;
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
        finished(entry, TaskState.CANCELLED, -1);
    }

    /**
     * Starts the task list, or queues it until a slot is free.
     *
     * @param counted whether its tasks are counted in the queue already ({@link #admit})
     */
    private void submit(TaskList taskList, boolean counted) {
        // Registered before shuttingDown is read: a concurrent shutdown either is seen here or sees this task list.
        unfinished.add(taskList);
        if (shuttingDown) {
            if (counted) {
                admission.uncount(taskList.size);
            }
            reject(taskList, "the task runtime is shutting down");
            return;
        }
        // The common case, nothing waits, a slot is free and the tasks fit: the task list starts at once.
        if (admission.tryStart(counted ? 0 : taskList.size)) {
            start(taskList);
            return;
        }
        if (!counted && !countQueued(taskList.size)) {
            reject(taskList, "the queue is full (" + admission.maxQueuedTasks() + " tasks)");
            return;
        }
        admission.enqueue(taskList);
        startWaiting();
    }

    /**
     * Counts {@code tasks} more tasks in the queue if they fit, rejecting the oldest waiting task lists to make room
     * under {@link OverflowPolicy#DISCARD_OLDEST}; returns whether they were counted.
     */
    private boolean countQueued(int tasks) {
        while (!admission.tryCount(tasks)) {
            var oldest = overflowPolicy == OverflowPolicy.DISCARD_OLDEST && tasks <= admission.maxQueuedTasks() ? admission.poll() : null;
            if (oldest == null) {
                return false;
            }
            admission.uncount(oldest.size);
            reject(oldest, "the queue was full (" + admission.maxQueuedTasks() + " tasks) and newer tasks arrived");
        }
        return true;
    }

    /** Fails the tasks of a task list that was handed over but cannot run, and finishes it. */
    private void reject(TaskList taskList, String why) {
        var names = new ArrayList<String>();
        var rejected = new ArrayList<TaskEntry>();
        for (var entry : taskList.entriesToRun()) {
            var error = new RejectedExecutionException("background task " + entry.name() + " rejected: " + why);
            if (entry.finish(TaskState.FAILED, error)) {
                names.add(entry.name());
                metrics.rejected(entry);
                finished(entry, TaskState.FAILED, -1);
                rejected.add(entry);
            }
        }
        rejections.record("Rejected the background task(s) {} of {} (request {}): {}", names, taskList.origin(), taskList.correlationId(), why);
        notifyThenFinish(rejected, () -> finishTaskList(taskList));
    }

    /**
     * Tells the error handler of each failed task, then runs {@code finish}: on one of the runtime's threads, as
     * the handler is user code and the caller may be the request's thread or Jetty's completion of the exchange.
     */
    private void notifyThenFinish(List<TaskEntry> failed, Runnable finish) {
        if (errorHandler == null || failed.isEmpty()) {
            finish.run();
            return;
        }
        start(() -> {
            try {
                failed.forEach(entry -> notifyErrorHandler(entry, entry.failure().orElseThrow()));
            } finally {
                finish.run();
            }
        });
    }

    /** Runs {@code work} on one of the runtime's threads (after its shutdown, on a thread of its own). */
    private void start(Runnable work) {
        try {
            threads.execute(work);
        } catch (RejectedExecutionException closed) {
            Thread.ofPlatform().daemon().name("coda-task-late").start(work);
        }
    }

    /** Starts waiting task lists, oldest first, while slots are free. */
    private void startWaiting() {
        for (TaskList next; (next = admission.nextToStart()) != null; ) {
            start(next);
        }
    }

    /** The body of a task list's thread ({@link TaskList#run()}): runs its tasks, frees its slot, starts a waiting task list. */
    void runTaskList(TaskList taskList) {
        try {
            run(taskList);
        } finally {
            admission.release();
            startWaiting();
        }
    }

    private void run(TaskList taskList) {
        boolean failed = false;
        try {
            for (int i = 0, count = taskList.runCount(); i < count; i++) {
                var step = taskList.runStep(i);
                if (failed && failFast) {
                    cancelSkipped(step, taskList);
                    continue;
                }
                failed |= switch (step) {
                    case TaskEntry entry -> !runOne(entry, taskList);
                    case TaskList.Group g -> !runGroup(g, taskList);
                };
            }
        } catch (Throwable t) {
            LOG.error("The task runtime failed while running the tasks of {} (request {})", taskList.origin(), taskList.correlationId(), t);
        } finally {
            Thread.interrupted();        // an interrupt meant for this task list must not reach the next one on this thread
            finishTaskList(taskList);
        }
    }

    private void cancelSkipped(TaskList.Step step, TaskList taskList) {
        var entries = switch (step) {
            case TaskEntry entry -> List.of(entry);
            case TaskList.Group g -> g.members();
        };
        for (var entry : entries) {
            admission.taskStarted();
            if (entry.finish(TaskState.CANCELLED, new CancellationException("not run: an earlier task of its request failed (fail-fast)"))) {
                finished(entry, TaskState.CANCELLED, -1);
                LOG.warn("Background task {} of {} (request {}) not run: an earlier task failed (fail-fast)", entry.name(),
                        taskList.origin(), taskList.correlationId());
            }
        }
    }

    private boolean runGroup(TaskList.Group group, TaskList taskList) {
        var members = group.members();
        var results = new boolean[members.size()];
        var done = new CountDownLatch(members.size());
        for (int i = 0; i < members.size(); i++) {
            int index = i;
            var entry = members.get(i);
            start(() -> {
                try {
                    results[index] = runOne(entry, taskList);
                } finally {
                    done.countDown();
                }
            });
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                members.forEach(TaskEntry::interrupt);
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
    private boolean runOne(TaskEntry entry, TaskList taskList) {
        admission.taskStarted();
        if (!entry.start(Thread.currentThread())) {
            return true;
        }
        runningTasks.incrementAndGet();
        metrics.started(entry);
        recorder.started(entry);
        long started = metrics.timed() ? System.nanoTime() : 0;
        final Throwable failure;
        try {
            failure = invoker.call(entry);
        } finally {
            // Once detached, cancel() and shutdown no longer interrupt this thread for the task, so clearing the
            // flag now guarantees that an interrupt meant for this task never reaches the next one.
            entry.detach();
            Thread.interrupted();
            runningTasks.decrementAndGet();
        }
        long nanos = metrics.timed() ? System.nanoTime() - started : 0;
        if (failure == null) {
            if (entry.finish(TaskState.SUCCEEDED, null)) {
                finished(entry, TaskState.SUCCEEDED, nanos);
            }
            return true;
        }
        if (entry.cancelRequested()) {
            if (entry.finish(TaskState.CANCELLED, new CancellationException("cancelled while running"))) {
                finished(entry, TaskState.CANCELLED, nanos);
                LOG.info("Background task {} of {} (request {}) was cancelled while running", entry.name(),
                        taskList.origin(), taskList.correlationId());
            }
            return false;
        }
        if (entry.finish(TaskState.FAILED, failure)) {
            finished(entry, TaskState.FAILED, nanos);
            TaskInvoker.withContext(entry, () -> LOG.error("Background task {} (id {}) of {} (request {}) failed", entry.name(), entry.id(),
                    taskList.origin(), taskList.correlationId(), failure));
            notifyErrorHandler(entry, failure);
        }
        return false;
    }

    /** Counts the task's end and records it among the recent ones. */
    private void finished(TaskEntry entry, TaskState outcome, long nanos) {
        metrics.finished(entry, outcome, nanos);
        recorder.ended(entry);
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

    private void finishTaskList(TaskList taskList) {
        unfinished.remove(taskList);
        taskList.done.finish();
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
            while (!unfinished.isEmpty()) {
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
        if (unfinished.isEmpty()) {
            threads.close();
            return true;
        }
        var abandoned = new Abandoned(deadline);
        // Task lists still waiting for a slot will never get one: take them out of the queue and complete them.
        for (TaskList queued; (queued = admission.poll()) != null; ) {
            admission.uncount(queued.size);
            abandoned.cancel(queued, queued.entriesToRun());
            finishTaskList(queued);
        }
        // Cancel every unfinished task of the running task lists before interrupting any of them: an interrupted task
        // then ends CANCELLED rather than FAILED, and its task list cannot start its next task once it stops.
        for (var taskList : unfinished.list()) {
            abandoned.cancel(taskList, taskList.entries());
        }
        abandoned.entries.forEach(TaskEntry::interrupt);
        LOG.error("Shutdown deadline of {} passed; abandoned {} background task(s) ({} running, {} queued); by name: {}; the first {}: {}",
                deadline, abandoned.entries.size(), abandoned.running, abandoned.entries.size() - abandoned.running,
                abandoned.byName, abandoned.sample.size(), abandoned.sample);
        threads.close();
        return false;
    }

    /** The tasks cancelled at shutdown, and what the log says of them: counts and a bounded sample, never all. */
    private final class Abandoned {
        private static final int SAMPLE = 20;
        private static final int NAMES = 10;
        final List<TaskEntry> entries = new ArrayList<>();
        final List<String> sample = new ArrayList<>();
        final Map<String, Integer> byName = new LinkedHashMap<>();
        int running;
        private final Duration deadline;

        Abandoned(Duration deadline) {
            this.deadline = deadline;
        }

        void cancel(TaskList taskList, List<TaskEntry> candidates) {
            for (var entry : candidates) {
                var state = entry.state();
                if (!state.isTerminal() && entry.finish(TaskState.CANCELLED,
                        new CancellationException("abandoned at shutdown after " + deadline))) {
                    entries.add(entry);
                    finished(entry, TaskState.CANCELLED, -1);
                    if (state == TaskState.RUNNING) {
                        running++;
                    }
                    if (sample.size() < SAMPLE) {
                        sample.add(entry.name() + " (" + taskList.origin() + ", request " + taskList.correlationId() + ", was " + state + ")");
                    }
                    if (byName.containsKey(entry.name()) || byName.size() < NAMES) {
                        byName.merge(entry.name(), 1, Integer::sum);
                    } else {
                        byName.merge("(other names)", 1, Integer::sum);
                    }
                }
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
        private int niceness = 10;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /**
         * The clock of the times {@link TaskRuntime#recent()} shows, of the run time of {@link BackgroundTasks#delay}
         * and of its log summaries; default the system's. A test may pass a settable one.
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How much lower the CPU priority of a task that keeps the CPU busy (for more than about 20 ms) becomes: a Linux
         * nice increment from 0 (never lowered) to 19; default 10, so that a busy task yields the CPU to requests (a
         * nice-10 thread weighs about a tenth of a nice-0 thread), while short tasks keep the requests' priority and
         * keep up with them. Applied on Linux with JDK 22 or newer, where it uses the foreign function API: run with
         * {@code --enable-native-access=ALL-UNNAMED} to avoid the JDK's warning.
         */
        public Builder niceness(int increment) {
            if (increment < 0 || increment > 19) {
                throw new IllegalArgumentException("niceness must be from 0 to 19: " + increment);
            }
            this.niceness = increment;
            return this;
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
        public Builder maxConcurrency(int taskLists) {
            if (taskLists < 1) {
                throw new IllegalArgumentException("maxConcurrency must be at least 1: " + taskLists);
            }
            this.maxConcurrency = taskLists;
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
