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
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

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
    /** One slot in {@link #admission}. */
    private static final long SLOT = 1L << 32;

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
    /** Units refused because their tasks could not be accepted: one line at once, then a summary per interval. */
    private final SummarizedLog refusals = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
    /** Units whose tasks were rejected or refused because the queue was full (or the runtime stopping). */
    private final SummarizedLog rejections = new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
    /** What a client refused for a full queue is told to wait before trying again. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private final TaskThreads threads;

    /** Dispatched units waiting for a slot, oldest first; taken out only through {@link #pollWaiting()}. */
    private final ConcurrentLinkedDeque<Batch> waiting = new ConcurrentLinkedDeque<>();
    /**
     * How many units {@link #waiting} holds, counted after adding and after taking out, so briefly off by the
     * adds and polls under way; what is checked on the hot path, instead of {@code waiting.isEmpty()}, which
     * walks the unlinked nodes the deque leaves behind its head.
     */
    private final AtomicInteger waitingUnits = new PaddedInt();
    /**
     * Two counts in one word: the tasks waiting to run (dispatched, not started yet; the low 32 bits) and the
     * units holding one of the {@code maxConcurrency} slots (the high 32 bits). So a unit that can start at
     * once takes its slot and counts its tasks with one compare-and-set, and a unit's thread finds both counts
     * in one cache line.
     */
    private final AtomicLong admission = new PaddedLong();
    private final AtomicInteger runningTasks = new PaddedInt();
    /** Every dispatched unit until it has finished: waiting, about to start, or running. */
    private final Unfinished unfinished = new Unfinished();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private volatile boolean shuttingDown;

    /*
     * The counters above change for every unit, some on the dispatching thread and some on the unit's thread,
     * which run on different cores. Allocated one after another, small atomics would share a cache line, and
     * every change to one would take the line away from the core using another (false sharing; in a profile
     * of the dispatch benchmark, the updates of the task and slot counts were the runtime's two costliest
     * lines). Padded, each has a line to itself.
     */

    @SuppressWarnings("unused")
    private static final class PaddedInt extends AtomicInteger {
        private long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    @SuppressWarnings("unused")
    private static final class PaddedLong extends AtomicLong {
        private long p0, p1, p2, p3, p4, p5, p6, p7;
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
        this.threads = new TaskThreads("coda-task-", Duration.ofSeconds(60), b.niceness);
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
     * Accepts the tasks of a unit of work before its answer is sent, so that the answer never says "accepted"
     * for work that will not run: counts its in-process tasks in the queue (they start at {@link #dispatch}),
     * then stores its durable tasks ({@link #persist}). No task can be added afterwards. Tasks whose phase
     * does not match the outcome are cancelled now.
     *
     * <p>When they cannot all be accepted, none is: every task of the unit ends {@link TaskState#FAILED}, the
     * refusal is counted ({@code coda.tasks.rejected}) and logged as a summary, and {@link #dispatch} will run
     * nothing. Under {@link OverflowPolicy#DISCARD_OLDEST} a full queue rejects its oldest waiting units
     * instead.
     *
     * @param unitFailed whether the unit of work failed; {@link #dispatch} must be told the same
     * @throws TasksUnavailableException if the queue is full or the durable engine is unavailable
     * @throws Exception if the durable engine could not store the tasks for another reason
     */
    public void admit(BackgroundTasks tasks, boolean unitFailed) throws Exception {
        var batch = own(tasks);
        var tasksRun = selectToRun(batch, unitFailed, Batch.Stage.ADMITTED);
        if (tasksRun && !countQueued(batch.size)) {
            var refused = new TasksUnavailableException("the task queue is full (" + maxQueuedTasks + " tasks)", RETRY_AFTER, null);
            rejections.record("Refused the background task(s) of {} (request {}): {}", batch.origin(), batch.correlationId(),
                    refused.getMessage());
            refuse(batch, false, refused);
            throw refused;
        }
        try {
            persist(tasks, unitFailed);
        } catch (Exception e) {
            refuse(batch, tasksRun, e);
            throw e;
        }
    }

    /**
     * Hands the tasks of a completed unit of work over to be run; returns at once, without running
     * anything on the calling thread. Tasks whose phase does not match the outcome are cancelled (those
     * skipped because the unit failed are logged). No task can be added afterwards. After {@link #admit},
     * the admitted tasks start (or none, if they were refused).
     *
     * @param unitFailed whether the unit of work failed
     * @return completes once every task of the unit has finished, failed or been cancelled
     */
    public CompletionStage<Void> dispatch(BackgroundTasks tasks, boolean unitFailed) {
        var batch = own(tasks);
        switch (batch.advance(Batch.Stage.DISPATCHED)) {
            case OPEN -> {
                storeLate(tasks, unitFailed);
                if (selectToRun(batch, unitFailed, null)) {
                    submit(batch, false);
                } else {
                    batch.done.finish();
                }
            }
            case ADMITTED -> {
                if (batch.runCount() > 0) {
                    submit(batch, true);
                } else {
                    batch.done.finish();
                }
            }
            case REFUSED, DISPATCHED -> {
                // refused: its tasks have ended, and refuse() completes the batch
            }
        }
        return batch.done;
    }

    private Batch own(BackgroundTasks tasks) {
        var batch = tasks.batch();
        if (batch.runtime() != this) {
            throw new IllegalArgumentException("these tasks belong to another TaskRuntime");
        }
        return batch;
    }

    /**
     * Fails every task of a unit whose tasks could not be accepted (those of its durable tasks not stored, and
     * its in-process tasks), gives back what it counted in the queue, and completes it once the error handler
     * has heard of each.
     */
    private void refuse(Batch batch, boolean counted, Exception why) {
        batch.advance(Batch.Stage.REFUSED);
        if (counted) {
            admission.addAndGet(-batch.size);
        }
        var refused = new ArrayList<TaskEntry>();
        for (var entry : batch.entries()) {
            if (entry.finish(TaskState.FAILED, why)) {
                if (!entry.durable) {
                    metrics.rejected();
                }
                metrics.finished(entry, TaskState.FAILED, -1);
                refused.add(entry);
            }
        }
        notifyThenFinish(refused, batch.done::finish);
    }

    /**
     * Moves the unit to {@code advanceTo} (unless null: moved already), then chooses its steps that run here and sets them on it ({@link Batch#runAll}, {@link Batch#runOnly}): not the
     * durable tasks, which run elsewhere (or failed to be stored); tasks whose phase does not match the
     * outcome are cancelled (and, when the unit failed, logged). Returns whether any task is left to run.
     */
    private boolean selectToRun(Batch batch, boolean unitFailed, Batch.Stage advanceTo) {
        if (advanceTo != null) {
            batch.advance(advanceTo);
        }
        int count = batch.stepCount();
        if (!batch.hasDurable()) {
            // The common case, every task runs: the batch's own steps, as they are.
            int size = 0;
            boolean all = true;
            for (int i = 0; i < count && all; i++) {
                switch (batch.step(i)) {
                    case TaskEntry entry -> {
                        all = entry.phase.runs(unitFailed);
                        size++;
                    }
                    case Batch.Group g -> {
                        all = !g.members().isEmpty();
                        for (var m : g.members()) {
                            all &= m.phase.runs(unitFailed);
                        }
                        size += g.members().size();
                    }
                }
            }
            if (all) {
                batch.runAll(size);
                return count > 0;
            }
        }
        var runnable = new ArrayList<Batch.Step>(count);
        List<String> skipped = null;
        int size = 0;
        for (int i = 0; i < count; i++) {
            switch (batch.step(i)) {
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
                case Batch.Group g -> {
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
                        runnable.add(new Batch.Group(members));
                        size += members.size();
                    }
                }
            }
        }
        if (skipped != null) {
            // INFO: a client's bad request must not cost a warning line each; the phase is what the code asked for
            LOG.info("{} failed (request {}); its background task(s) {} will not run", batch.origin(), batch.correlationId(), skipped);
        }
        batch.runOnly(runnable, size);
        return !runnable.isEmpty();
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
        List<String> ids;
        try {
            ids = handoff.store(pending.stream().map(TaskEntry::call).toList());
        } catch (TasksUnavailableException e) {
            var batch = tasks.batch();
            refusals.record("Could not store the durable task(s) of {} (request {}): {}", batch.origin(), batch.correlationId(),
                    e.getMessage());
            failUnstored(pending, e);
            throw e;
        } catch (Exception e) {
            LOG.error("Could not store the durable task(s) of {} (request {})", tasks.batch().origin(), tasks.batch().correlationId(), e);
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
                metrics.finished(entry, TaskState.FAILED, -1);
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
            metrics.finished(entry, TaskState.CANCELLED, -1);
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
        return queued(admission.get());
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

    /**
     * Starts the unit, or queues it until a slot is free.
     *
     * @param counted whether its tasks are counted in the queue already ({@link #admit})
     */
    private void submit(Batch batch, boolean counted) {
        // Registered before shuttingDown is read: a concurrent shutdown either is seen here or sees this unit.
        unfinished.add(batch);
        if (shuttingDown) {
            if (counted) {
                admission.addAndGet(-batch.size);
            }
            reject(batch, "the task runtime is shutting down");
            return;
        }
        int uncounted = counted ? 0 : batch.size;
        // The common case, no unit waits, a slot is free and the tasks fit: one compare-and-set takes the slot
        // and counts the tasks, and the unit starts at once, without going through the queue.
        if (waitingUnits.get() <= 0) {
            for (long now = admission.get(); running(now) < maxConcurrency && fits(now, uncounted); now = admission.get()) {
                if (admission.compareAndSet(now, now + SLOT + uncounted)) {
                    start(batch);
                    return;
                }
            }
        }
        if (!counted && !countQueued(batch.size)) {
            reject(batch, "the queue is full (" + maxQueuedTasks + " tasks)");
            return;
        }
        waiting.addLast(batch);
        waitingUnits.incrementAndGet();
        pump();
    }

    /**
     * Counts {@code tasks} more tasks in the queue if they fit, rejecting the oldest waiting units to make room
     * under {@link OverflowPolicy#DISCARD_OLDEST}; returns whether they were counted.
     */
    private boolean countQueued(int tasks) {
        while (true) {
            long now = admission.get();
            if (fits(now, tasks)) {
                if (admission.compareAndSet(now, now + tasks)) {
                    return true;
                }
                continue;
            }
            if (overflowPolicy == OverflowPolicy.DISCARD_OLDEST && tasks <= maxQueuedTasks) {
                var oldest = pollWaiting();
                if (oldest != null) {
                    admission.addAndGet(-oldest.size);
                    reject(oldest, "the queue was full (" + maxQueuedTasks + " tasks) and newer tasks arrived");
                    continue;
                }
            }
            return false;
        }
    }

    /** Fails the tasks of a unit that was handed over but cannot run, and finishes it. */
    private void reject(Batch batch, String why) {
        var names = new ArrayList<String>();
        var rejected = new ArrayList<TaskEntry>();
        for (var entry : batch.entriesToRun()) {
            var error = new RejectedExecutionException("background task " + entry.name() + " rejected: " + why);
            if (entry.finish(TaskState.FAILED, error)) {
                names.add(entry.name());
                metrics.rejected();
                metrics.finished(entry, TaskState.FAILED, -1);
                rejected.add(entry);
            }
        }
        rejections.record("Rejected the background task(s) {} of {} (request {}): {}", names, batch.origin(), batch.correlationId(), why);
        notifyThenFinish(rejected, () -> finishBatch(batch));
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

    /** The oldest waiting unit, taken out of the queue, or {@code null}. */
    private Batch pollWaiting() {
        var batch = waiting.pollFirst();
        if (batch != null) {
            waitingUnits.decrementAndGet();
        }
        return batch;
    }

    private static int queued(long admission) {
        return (int) admission;
    }

    private static int running(long admission) {
        return (int) (admission >>> 32);
    }

    /** Whether {@code tasks} more tasks fit in the queue. */
    private boolean fits(long admission, int tasks) {
        return (long) queued(admission) + tasks <= maxQueuedTasks;
    }

    /** Takes one of the {@code maxConcurrency} slots if one is free. */
    private boolean takeSlot() {
        while (true) {
            long now = admission.get();
            if (running(now) >= maxConcurrency) {
                return false;
            }
            if (admission.compareAndSet(now, now + SLOT)) {
                return true;
            }
        }
    }

    private void giveSlotBack() {
        admission.addAndGet(-SLOT);
    }

    /**
     * Starts waiting units, oldest first, while slots are free. Every unit added to the queue is followed by
     * a pump (after the count is raised), and so is every slot given back: whichever of the two comes second
     * sees both the unit and the free slot.
     */
    private void pump() {
        while (waitingUnits.get() > 0 && takeSlot()) {
            var next = pollWaiting();
            if (next == null) {
                // Taken by another thread meanwhile (whose count may not be down yet): give the slot back and look again.
                giveSlotBack();
                Thread.onSpinWait();
                continue;
            }
            start(next);
        }
    }

    /** The body of a unit's thread ({@link Batch#run()}): runs its tasks, frees its slot, starts a waiting unit. */
    void runUnit(Batch batch) {
        try {
            run(batch);
        } finally {
            giveSlotBack();
            pump();
        }
    }

    private void run(Batch batch) {
        boolean failed = false;
        try {
            for (int i = 0, count = batch.runCount(); i < count; i++) {
                var step = batch.runStep(i);
                if (failed && failFast) {
                    cancelSkipped(step, batch);
                    continue;
                }
                failed |= switch (step) {
                    case TaskEntry entry -> !runOne(entry, batch);
                    case Batch.Group g -> !runGroup(g, batch);
                };
            }
        } catch (Throwable t) {
            LOG.error("The task runtime failed while running the tasks of {} (request {})", batch.origin(), batch.correlationId(), t);
        } finally {
            Thread.interrupted();        // an interrupt meant for this unit must not reach the next one on this thread
            finishBatch(batch);
        }
    }

    private void cancelSkipped(Batch.Step step, Batch batch) {
        var entries = switch (step) {
            case TaskEntry entry -> List.of(entry);
            case Batch.Group g -> g.members();
        };
        for (var entry : entries) {
            admission.decrementAndGet();
            if (entry.finish(TaskState.CANCELLED, new CancellationException("not run: an earlier task of its request failed (fail-fast)"))) {
                metrics.finished(entry, TaskState.CANCELLED, -1);
                LOG.warn("Background task {} of {} (request {}) not run: an earlier task failed (fail-fast)", entry.name(),
                        batch.origin(), batch.correlationId());
            }
        }
    }

    private boolean runGroup(Batch.Group group, Batch batch) {
        var members = group.members();
        var results = new boolean[members.size()];
        var done = new CountDownLatch(members.size());
        for (int i = 0; i < members.size(); i++) {
            int index = i;
            var entry = members.get(i);
            start(() -> {
                try {
                    results[index] = runOne(entry, batch);
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
    private boolean runOne(TaskEntry entry, Batch batch) {
        admission.decrementAndGet();
        if (!entry.start(Thread.currentThread())) {
            return true;
        }
        runningTasks.incrementAndGet();
        long started = metrics.timed() ? System.nanoTime() : 0;
        final Throwable failure;
        try {
            failure = entry.timeout == null ? invoke(entry) : invokeWithTimeout(entry);
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
                metrics.finished(entry, TaskState.SUCCEEDED, nanos);
            }
            return true;
        }
        if (entry.cancelRequested()) {
            if (entry.finish(TaskState.CANCELLED, new CancellationException("cancelled while running"))) {
                metrics.finished(entry, TaskState.CANCELLED, nanos);
                LOG.info("Background task {} of {} (request {}) was cancelled while running", entry.name(),
                        batch.origin(), batch.correlationId());
            }
            return false;
        }
        if (entry.finish(TaskState.FAILED, failure)) {
            metrics.finished(entry, TaskState.FAILED, nanos);
            withContext(entry, () -> LOG.error("Background task {} (id {}) of {} (request {}) failed", entry.name(), entry.id(),
                    batch.origin(), batch.correlationId(), failure));
            notifyErrorHandler(entry, failure);
        }
        return false;
    }

    private Throwable invokeWithTimeout(TaskEntry entry) {
        var timed = new TimedCall(entry);
        start(timed);
        try {
            return timed.result.get(entry.timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timed.interrupt();
            return new TimeoutException("background task " + entry.name() + " did not finish within " + entry.timeout);
        } catch (InterruptedException e) {
            timed.interrupt();
            return e;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /**
     * A task with a timeout, on a thread of its own while its unit's thread waits for it: past the timeout the
     * unit goes on, and the task is interrupted, but only while it still runs there (the thread is reused).
     */
    private final class TimedCall implements Runnable {
        final CompletableFuture<Throwable> result = new CompletableFuture<>();
        private final TaskEntry entry;
        private Thread thread;

        TimedCall(TaskEntry entry) {
            this.entry = entry;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
            }
            try {
                result.complete(invoke(entry));
            } finally {
                synchronized (this) {
                    thread = null;
                }
                Thread.interrupted();
            }
        }

        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    /**
     * Calls the task with its captured context; returns its failure or {@code null}. It runs on one of the
     * runtime's own threads, whose MDC is empty before each task (a new thread's is, and every task and
     * failure log leaves it empty after itself), so there is no previous MDC to save and restore: the task's
     * is set, and cleared afterwards, which also drops whatever the task put there.
     */
    private Throwable invoke(TaskEntry entry) {
        var contexts = entry.contexts;
        var scopes = contexts.isEmpty() ? null : new AutoCloseable[contexts.size()];
        int active = 0;
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            if (scopes != null) {
                for (var snapshot : contexts) {
                    var scope = snapshot.activate();
                    scopes[active++] = scope;
                }
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
            for (int i = active - 1; i >= 0; i--) {
                try {
                    scopes[i].close();
                } catch (Exception e) {
                    LOG.warn("Restoring the context after background task {} failed", entry.name(), e);
                }
            }
            MDC.clear();
        }
    }

    /** Runs {@code action} with the task's MDC, on one of the runtime's threads (its MDC empty, as in {@link #invoke}). */
    private void withContext(TaskEntry entry, Runnable action) {
        try {
            if (!entry.mdc.isEmpty()) {
                MDC.setContextMap(entry.mdc);
            }
            action.run();
        } finally {
            MDC.clear();
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
        unfinished.remove(batch);
        batch.done.finish();
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
        // Units still waiting for a slot will never get one: take them out of the queue and complete them.
        for (Batch queued; (queued = pollWaiting()) != null; ) {
            admission.addAndGet(-queued.size);
            abandoned.cancel(queued, queued.entriesToRun());
            finishBatch(queued);
        }
        // Cancel every unfinished task of the running units before interrupting any of them: an interrupted task
        // then ends CANCELLED rather than FAILED, and its unit cannot start its next task once it stops.
        for (var batch : unfinished.list()) {
            abandoned.cancel(batch, batch.entries());
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

        void cancel(Batch batch, List<TaskEntry> candidates) {
            for (var entry : candidates) {
                var state = entry.state();
                if (!state.isTerminal() && entry.finish(TaskState.CANCELLED,
                        new CancellationException("abandoned at shutdown after " + deadline))) {
                    entries.add(entry);
                    metrics.finished(entry, TaskState.CANCELLED, -1);
                    if (state == TaskState.RUNNING) {
                        running++;
                    }
                    if (sample.size() < SAMPLE) {
                        sample.add(entry.name() + " (" + batch.origin() + ", request " + batch.correlationId() + ", was " + state + ")");
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

        private Builder() {
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
