package dev.coda.durable;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.durable.TaskEngine.Completion;
import dev.coda.durable.internal.TaskMethod;
import dev.coda.tasks.internal.SummarizedLog;
import dev.coda.tasks.internal.TaskThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
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
 * Runs durable tasks from an engine: claims them in batches with a lease, runs each on a virtual thread,
 * extends the leases of the tasks it holds with a heartbeat, and records what became of them in batches
 * (group commits). Delivery is at least once: a task whose worker died is run again by another once its
 * lease has ended.
 *
 * <pre>{@code
 * try (Worker worker = durable.worker()
 *         .concurrency("default", 8)
 *         .concurrency("reports", 2)
 *         .lease(Duration.ofSeconds(10))            // heartbeat every lease / 3
 *         .taskTimeout(Duration.ofMinutes(5))      // for tasks without a timeout of their own
 *         .meterRegistry(registry)
 *         .start()) {
 *     awaitShutdownSignal();
 * }   // close(): stops claiming, lets running tasks finish (30 s), gives the rest back
 * }</pre>
 *
 * <p>A claimed task whose name is not registered, or whose arguments do not bind to its method's
 * parameters, goes straight to the failed set with the reason, never run. A task that throws is retried
 * with the policy's exponential backoff and jitter until its attempts are used up, then failed with its
 * stack trace. A task's return value (or its {@code CompletionStage}'s) is stored as JSON.
 *
 * <p>Logs (logger {@code dev.coda.durable}, with {@code task.id}, {@code task.name} and {@code task.attempt}
 * in the MDC): start and success at DEBUG, retries and recoveries at WARN, failures at ERROR. Metrics:
 * {@code coda.durable.started}, {@code succeeded}, {@code failed} (tag {@code reason}), {@code retried},
 * {@code recovered} and the timer {@code coda.durable.duration}, tagged with {@code task} and {@code queue}.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");
    private static final int MAX_ERROR_CHARS = 32_000;
    private static final int BUFFERED = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int ABANDONED = 3;

    private final DurableTasks tasks;
    private final TaskEngine engine;
    private final String id;
    private final Duration lease;
    private final Duration heartbeat;
    private final Duration pollInterval;
    private final int batchSize;
    private final Duration taskTimeout;
    private final Duration shutdownTimeout;
    private final List<QueueLoop> loops = new ArrayList<>();
    private final List<String> queueNames;
    private final Metrics metrics;
    /**
     * Platform threads at a lower priority: a task blocked in file I/O or busy on the CPU never holds a request
     * handler's carrier, and busy tasks yield the CPU to requests and to this worker's heartbeats.
     */
    private final TaskThreads taskThreads = new TaskThreads("coda-durable-task-", Duration.ofSeconds(60), 10);
    // while the database is down every claim, heartbeat and outcome commit fails: one line each, then one per 10 s
    private final SummarizedLog claimFailures = repeated();
    private final SummarizedLog commitFailures = repeated();
    private final SummarizedLog heartbeatFailures = repeated();

    private final Map<String, Execution> inFlight = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private final AtomicLong nextDueMillis = new AtomicLong(Long.MAX_VALUE);
    private final ReentrantLock lifecycle = new ReentrantLock();
    private final Condition drained = lifecycle.newCondition();
    private final Condition stoppedSignal = lifecycle.newCondition();
    private final AtomicInteger state = new AtomicInteger(); // 0 new, 1 started, 2 stopping, 3 stopped
    private volatile boolean stopping;
    private volatile boolean committerStop;
    private volatile boolean heartbeatStop;
    private ScheduledExecutorService timer;
    private Thread committer;
    private Thread heartbeater;
    private boolean stopResult;

    private Worker(Builder b) {
        this.tasks = b.tasks;
        this.engine = b.tasks.engine();
        this.id = b.workerId != null ? b.workerId : defaultId();
        this.lease = b.lease;
        this.heartbeat = b.heartbeat != null ? b.heartbeat : b.lease.dividedBy(3);
        if (heartbeat.compareTo(lease) >= 0 || heartbeat.isZero() || heartbeat.isNegative()) {
            throw new IllegalArgumentException("the heartbeat (" + heartbeat + ") must be positive and shorter than the lease (" + lease + ")");
        }
        this.pollInterval = b.pollInterval;
        this.batchSize = b.batchSize;
        this.taskTimeout = b.taskTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        var concurrency = b.concurrency.isEmpty() ? Map.of("default", 8) : b.concurrency;
        concurrency.forEach((queue, n) -> loops.add(new QueueLoop(queue, n, n + b.prefetch)));
        this.queueNames = List.copyOf(concurrency.keySet());
        this.metrics = new Metrics(b.registry != null ? b.registry : tasks.registry());
    }

    private static SummarizedLog repeated() {
        return new SummarizedLog(LOG, Level.WARN, Duration.ofSeconds(10), InstantSource.system());
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** This worker's id, recorded as the lease owner of the tasks it runs. */
    public String id() {
        return id;
    }

    /** The queues it serves. */
    public List<String> queues() {
        return queueNames;
    }

    /** Tasks it holds now (claimed, running, or finished and not yet recorded). */
    public int heldTasks() {
        return inFlight.size();
    }

    /** Starts claiming and running tasks; returns this worker. */
    public Worker start() {
        if (!state.compareAndSet(0, 1)) {
            throw new IllegalStateException("worker " + id + " was already started");
        }
        if (tasks.names().isEmpty()) {
            LOG.warn("Worker {} has no registered durable task: every task it claims will fail as unknown", id);
        }
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("coda-durable-timeouts-" + id).factory());
        committer = Thread.ofPlatform().daemon().name("coda-durable-commit-" + id).start(this::commitLoop);
        heartbeater = Thread.ofPlatform().daemon().name("coda-durable-heartbeat-" + id).start(this::heartbeatLoop);
        for (var loop : loops) {
            loop.thread = Thread.ofPlatform().daemon().name("coda-durable-claim-" + loop.queue + "-" + id).start(() -> claimLoop(loop));
        }
        LOG.info("Worker {} started: queues {}, lease {} ms, heartbeat {} ms, tasks {}", id,
                loops.stream().map(l -> l.queue + "=" + l.concurrency).toList(), lease.toMillis(), heartbeat.toMillis(), tasks.names());
        return this;
    }

    // ---------------------------------------------------------------- claiming

    private void claimLoop(QueueLoop loop) {
        long failures = 0;
        while (true) {
            int want;
            loop.lock.lock();
            try {
                long deadline = 0;
                while (true) {
                    if (stopping) {
                        return;
                    }
                    int room = loop.capacity - loop.held;
                    int threshold = loop.held == 0 ? 1 : Math.max(1, Math.min(batchSize, loop.capacity) / 2);
                    if (room >= threshold) {
                        want = Math.min(room, batchSize);
                        break;
                    }
                    if (room > 0) {
                        // a few slots are free: wait a moment for more, to claim in a batch
                        if (deadline == 0) {
                            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
                        }
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            want = Math.min(room, batchSize);
                            break;
                        }
                        loop.room.awaitNanos(left);
                    } else {
                        loop.room.await();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                loop.lock.unlock();
            }
            long claimStarted = System.currentTimeMillis();
            List<ClaimedTask> claimed;
            try {
                claimed = engine.claim(id, List.of(loop.queue), want, lease);
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                claimFailures.record("Worker {} could not claim tasks of queue {} ({} time(s) in a row): {}", id, loop.queue, failures,
                        e.getMessage());
                waitForWork(loop, Duration.ofMillis(Math.min(pollInterval.toMillis(), 100L << Math.min(failures, 5))));
                continue;
            }
            if (stopping) {
                // stop() came during the claim: give the tasks back at once (exhausted ones are only recorded as failed)
                var back = claimed.stream().filter(t -> !t.exhausted()).map(ClaimedTask::id).toList();
                if (!back.isEmpty()) {
                    try {
                        engine.release(id, back);
                    } catch (RuntimeException e) {
                        LOG.warn("Worker {} could not give back {} task(s) claimed while stopping; they will run again once their "
                                + "lease expires: {}", id, back.size(), e.toString());
                    }
                }
                claimed.stream().filter(ClaimedTask::exhausted).forEach(task -> accept(loop, task));
                return;
            }
            for (var task : claimed) {
                accept(loop, task);
            }
            if (claimed.size() < want) {
                waitForWork(loop, pollWait(claimStarted));
            }
        }
    }

    /** The poll interval, or less when a retry this worker scheduled falls due sooner. */
    private Duration pollWait(long claimStarted) {
        long due = nextDueMillis.get();
        if (due == Long.MAX_VALUE) {
            return pollInterval;
        }
        if (due < claimStarted) {
            nextDueMillis.compareAndSet(due, Long.MAX_VALUE); // the claim that just ran saw it
            return pollInterval;
        }
        long wait = Math.max(1, due - System.currentTimeMillis() + 2);
        return wait < pollInterval.toMillis() ? Duration.ofMillis(wait) : pollInterval;
    }

    private void waitForWork(QueueLoop loop, Duration timeout) {
        loop.lock.lock();
        try {
            if (stopping) {
                return;
            }
            loop.awaiting = true;
        } finally {
            loop.lock.unlock();
        }
        try {
            engine.awaitWork(timeout);
        } catch (InterruptedException e) {
            // stop() interrupts only this wait
        } finally {
            loop.lock.lock();
            try {
                loop.awaiting = false;
                Thread.interrupted();
            } finally {
                loop.lock.unlock();
            }
        }
    }

    private void accept(QueueLoop loop, ClaimedTask task) {
        var execution = new Execution(task, loop);
        var previous = inFlight.putIfAbsent(task.id(), execution);
        if (previous != null) {
            // this worker's own lease on a task it still runs had lapsed and it claimed the task again: keep the one execution
            LOG.warn("Worker {} claimed task {} ({}) again while still running it (its lease had lapsed); not starting it twice",
                    id, task.id(), task.name());
            return;
        }
        loop.lock.lock();
        try {
            loop.held++;
        } finally {
            loop.lock.unlock();
        }
        if (task.recovered()) {
            metrics.of(task).recovered.increment();
            withMdc(task, () -> LOG.warn("Recovered durable task {} ({}) from worker {}, whose lease expired during attempt {}",
                    task.name(), task.id(), task.lostBy(), task.attempt() - 1));
        }
        if (task.exhausted()) {
            execution.phase.set(DONE);
            var error = "worker lost: the lease of worker " + task.lostBy() + " expired during the last allowed attempt ("
                    + task.maxAttempts() + " of " + task.maxAttempts() + "); the task may have been partly run";
            metrics.of(task).failed("worker_lost").increment();
            withMdc(task, () -> LOG.error("Durable task {} ({}) failed for good: {}", task.name(), task.id(), error));
            finished.add(new Finished(execution, new Completion.Failed(task.id(), error)));
            return;
        }
        boolean startNow;
        loop.lock.lock();
        try {
            startNow = loop.running < loop.concurrency;
            if (startNow) {
                loop.running++;
            } else {
                loop.buffer.add(execution);
            }
        } finally {
            loop.lock.unlock();
        }
        if (startNow) {
            start(execution);
        }
    }

    private void start(Execution execution) {
        if (!execution.phase.compareAndSet(BUFFERED, RUNNING)) {
            taskEnded(execution.loop);
            return;
        }
        taskThreads.execute(() -> run(execution));
    }

    // ---------------------------------------------------------------- running

    private void run(Execution execution) {
        var task = execution.task;
        execution.attach();
        MDC.put("task.id", task.id());
        MDC.put("task.name", task.name());
        MDC.put("task.attempt", Integer.toString(task.attempt()));
        try {
            if (execution.phase.get() != RUNNING) {
                return; // lost its lease before it started
            }
            var method = tasks.task(task.name());
            if (method == null) {
                var known = tasks.names();
                fail(execution, "unknown_task", "unknown task name '" + task.name() + "': no task of that name is registered on worker "
                        + id + " (registered: " + (known.size() > 20 ? known.size() + " names" : known) + "); not run", null);
                return;
            }
            Object[] arguments;
            try {
                arguments = method.bind(task.argumentsJson());
            } catch (TaskMethod.BindException e) {
                fail(execution, "bad_arguments", "arguments that do not bind: " + e.getMessage() + "; not run", null);
                return;
            }
            var meters = metrics.of(task);
            execution.meters = meters;
            meters.started.increment();
            if (LOG.isDebugEnabled()) {
                LOG.debug("Started durable task {} ({}), attempt {} of {}", task.name(), task.id(), task.attempt(), task.maxAttempts());
            }
            var limit = timeoutOf(task);
            long started = System.nanoTime();
            ScheduledFuture<?> timeout = limit == null ? null : scheduleTimeout(execution, started, limit);
            Object value;
            Throwable failure = null;
            try {
                value = method.invoke(arguments);
                if (value instanceof CompletionStage<?> stage) {
                    value = stage.toCompletableFuture().get();
                }
            } catch (ExecutionException e) {
                value = null;
                failure = e.getCause() != null ? e.getCause() : e;
            } catch (Throwable t) {
                value = null;
                failure = t;
            } finally {
                if (timeout != null) {
                    timeout.cancel(false);
                }
            }
            long nanos = System.nanoTime() - started;
            if (!execution.phase.compareAndSet(RUNNING, DONE)) {
                LOG.debug("Durable task {} ({}) ended after it was {}; its outcome is not recorded", task.name(), task.id(),
                        execution.abandonedBecause);
                return;
            }
            if (failure == null) {
                succeed(execution, value, nanos);
            } else {
                failed(execution, failure, nanos, "error");
            }
        } finally {
            MDC.remove("task.id");
            MDC.remove("task.name");
            MDC.remove("task.attempt");
            execution.detach();
            Thread.interrupted();        // the thread is reused: an interrupt meant for this task must not reach the next
            taskEnded(execution.loop);
        }
    }

    private void succeed(Execution execution, Object value, long nanos) {
        var task = execution.task;
        String json = null;
        if (value != null) {
            try {
                json = tasks.objectMapper().writeValueAsString(value);
            } catch (Exception e) {
                LOG.warn("The result of durable task {} ({}) cannot be written as JSON; it succeeded without a stored result: {}",
                        task.name(), task.id(), e.toString());
            }
        }
        var meters = execution.meters != null ? execution.meters : metrics.of(task);
        meters.succeeded.increment();
        meters.succeededDuration.record(nanos, TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
            LOG.debug("Durable task {} ({}) succeeded in {} ms", task.name(), task.id(), TimeUnit.NANOSECONDS.toMillis(nanos));
        }
        finished.add(new Finished(execution, new Completion.Succeeded(task.id(), json)));
    }

    /** A failure of the task's code (or its timeout): retried while attempts remain. */
    private void failed(Execution execution, Throwable failure, long nanos, String reason) {
        var task = execution.task;
        var meters = execution.meters != null ? execution.meters : metrics.of(task);
        meters.duration("failed").record(nanos, TimeUnit.NANOSECONDS);
        var error = stackTrace(failure);
        if (task.attempt() < task.maxAttempts()) {
            var delay = tasks.retryPolicy().delayAfter(task.attempt());
            var retryAt = Instant.now().plus(delay);
            nextDueMillis.accumulateAndGet(retryAt.toEpochMilli(), Math::min);
            meters.retried.increment();
            LOG.warn("Durable task {} ({}) failed on attempt {} of {}; retrying in {} ms: {}", task.name(), task.id(), task.attempt(),
                    task.maxAttempts(), delay.toMillis(), failure.toString());
            finished.add(new Finished(execution, new Completion.Retry(task.id(), error, retryAt)));
        } else {
            meters.failed(reason).increment();
            LOG.error("Durable task {} ({}) failed for good after {} attempt(s)", task.name(), task.id(), task.attempt(), failure);
            finished.add(new Finished(execution, new Completion.Failed(task.id(), error)));
        }
    }

    /** A task that cannot run at all: the failed set at once, whatever attempts remain. */
    private void fail(Execution execution, String reason, String error, Throwable cause) {
        var task = execution.task;
        if (!execution.phase.compareAndSet(RUNNING, DONE)) {
            return;
        }
        metrics.of(task).failed(reason).increment();
        LOG.error("Durable task {} ({}) failed for good: {}", task.name(), task.id(), error, cause);
        finished.add(new Finished(execution, new Completion.Failed(task.id(), error)));
    }

    /** The call's own timeout, else the one its task was registered with, else this worker's; {@code null} for none. */
    private Duration timeoutOf(ClaimedTask task) {
        if (task.timeout() != null) {
            return task.timeout();
        }
        var registered = tasks.timeout(task.name());
        return registered != null ? registered : taskTimeout;
    }

    private ScheduledFuture<?> scheduleTimeout(Execution execution, long started, Duration limit) {
        try {
            return timer.schedule(() -> timeOut(execution, started, limit), limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the worker stopped as the task started: it was given back, the shutdown deadline bounds it
        }
    }

    private void timeOut(Execution execution, long started, Duration limit) {
        if (!execution.phase.compareAndSet(RUNNING, ABANDONED)) {
            return;
        }
        execution.abandonedBecause = "timed out";
        execution.interrupt();
        var task = execution.task;
        var failure = new TimeoutException("durable task " + task.name() + " timed out after " + limit.toMillis()
                + " ms and was interrupted");
        withMdc(task, () -> failed(execution, failure, System.nanoTime() - started, "timeout"));
    }

    /** A task's thread ended (or its start was skipped): its slot is free; start the next buffered task. */
    private void taskEnded(QueueLoop loop) {
        Execution next = null;
        loop.lock.lock();
        try {
            loop.running--;
            if (!stopping) {
                next = loop.buffer.poll();
                if (next != null) {
                    loop.running++;
                }
            }
        } finally {
            loop.lock.unlock();
        }
        if (next != null) {
            start(next);
        }
    }

    // ---------------------------------------------------------------- recording outcomes (group commits)

    private void commitLoop() {
        var batch = new ArrayList<Finished>();
        var completions = new ArrayList<Completion>();
        while (true) {
            Finished first;
            try {
                first = finished.poll(50, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
            }
            if (first == null) {
                if (committerStop && finished.isEmpty()) {
                    return;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            finished.drainTo(batch, 999);
            completions.clear();
            for (var f : batch) {
                completions.add(f.completion);
            }
            int failures = 0;
            while (true) {
                try {
                    engine.complete(id, completions);
                    break;
                } catch (RuntimeException e) {
                    failures++;
                    if (committerStop && failures >= 3) {
                        LOG.error("Worker {} could not record the outcome of {} task(s) before stopping; they will run again once "
                                + "their lease expires: {}", id, completions.size(), e.toString());
                        break;
                    }
                    commitFailures.record("Worker {} could not record the outcome of {} task(s) (try {}); retrying: {}", id,
                            completions.size(), failures, e.getMessage());
                    try {
                        Thread.sleep(Math.min(2_000, 50L << Math.min(failures, 6)));
                    } catch (InterruptedException interrupted) {
                        // keep trying until told to stop
                    }
                }
            }
            for (var f : batch) {
                forget(f.execution);
            }
        }
    }

    /** The execution no longer holds its task: frees its place in the queue's capacity. */
    private void forget(Execution execution) {
        if (!inFlight.remove(execution.task.id(), execution)) {
            return;
        }
        var loop = execution.loop;
        loop.lock.lock();
        try {
            loop.held--;
            loop.room.signal();
        } finally {
            loop.lock.unlock();
        }
        if (stopping) {
            lifecycle.lock();
            try {
                drained.signalAll();
            } finally {
                lifecycle.unlock();
            }
        }
    }

    // ---------------------------------------------------------------- heartbeats

    private void heartbeatLoop() {
        while (!heartbeatStop) {
            try {
                Thread.sleep(heartbeat);
            } catch (InterruptedException e) {
                continue;
            }
            if (inFlight.isEmpty()) {
                continue;
            }
            var ids = new ArrayList<>(inFlight.keySet());
            List<String> held;
            try {
                held = engine.extend(id, ids, lease);
            } catch (RuntimeException e) {
                heartbeatFailures.record("Worker {} could not extend the leases of {} task(s); they may be taken over if this lasts: {}",
                        id, ids.size(), e.getMessage());
                continue;
            }
            if (held.size() == ids.size()) {
                continue;
            }
            var still = new HashSet<>(held);
            for (var taskId : ids) {
                if (!still.contains(taskId)) {
                    var execution = inFlight.get(taskId);
                    if (execution != null) {
                        lost(execution);
                    }
                }
            }
        }
    }

    /** The worker no longer holds the task's lease (another worker may run it): stop it, record nothing. */
    private void lost(Execution execution) {
        var task = execution.task;
        if (execution.phase.compareAndSet(BUFFERED, ABANDONED)) {
            execution.loop.lock.lock();
            try {
                execution.loop.buffer.remove(execution);
            } finally {
                execution.loop.lock.unlock();
            }
        } else if (execution.phase.compareAndSet(RUNNING, ABANDONED)) {
            execution.abandonedBecause = "lease lost";
            execution.interrupt();
        } else {
            return; // finished meanwhile: the completion, guarded by the lease, tells
        }
        withMdc(task, () -> LOG.warn("Worker {} lost its lease on durable task {} ({}); another worker may run it: stopped here",
                id, task.name(), task.id()));
        forget(execution);
    }

    // ---------------------------------------------------------------- stopping

    /** Stops within the {@link Builder#shutdownTimeout shutdown timeout}. */
    @Override
    public void close() {
        stop(shutdownTimeout);
    }

    /**
     * Stops claiming, gives back the claimed tasks that have not started, waits until {@code timeout} for
     * the running ones to finish, then interrupts and gives back the rest (their attempt does not count).
     *
     * @return whether every running task finished in time
     */
    public boolean stop(Duration timeout) {
        lifecycle.lock();
        try {
            if (state.get() == 0) {
                state.set(3);
                return true;
            }
            if (state.get() == 2) {
                // another thread is stopping it: wait for that
                while (state.get() != 3) {
                    stoppedSignal.awaitUninterruptibly();
                }
            }
            if (state.get() == 3) {
                return stopResult;
            }
            state.set(2);
        } finally {
            lifecycle.unlock();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        stopping = true;
        for (var loop : loops) {
            loop.lock.lock();
            try {
                loop.room.signalAll();
                if (loop.awaiting) {
                    loop.thread.interrupt();
                }
            } finally {
                loop.lock.unlock();
            }
        }
        for (var loop : loops) {
            join(loop.thread, Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(5))));
        }
        // tasks claimed but not started go back at once
        var unstarted = new ArrayList<Execution>();
        for (var loop : loops) {
            loop.lock.lock();
            try {
                for (var execution : loop.buffer) {
                    if (execution.phase.compareAndSet(BUFFERED, ABANDONED)) {
                        execution.abandonedBecause = "given back at shutdown";
                        unstarted.add(execution);
                    }
                }
                loop.buffer.clear();
            } finally {
                loop.lock.unlock();
            }
        }
        giveBack(unstarted, "not started");
        // running tasks finish until the deadline
        boolean allFinished = awaitDrained(deadline);
        if (!allFinished) {
            var running = new ArrayList<Execution>();
            for (var execution : inFlight.values()) {
                if (execution.phase.compareAndSet(RUNNING, ABANDONED)) {
                    execution.abandonedBecause = "given back at the shutdown deadline";
                    running.add(execution);
                    execution.interrupt();
                }
            }
            giveBack(running, "still running at the shutdown deadline");
            awaitDrained(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)); // outcomes already known are recorded
        }
        committerStop = true;
        join(committer, Duration.ofSeconds(10));
        heartbeatStop = true;
        heartbeater.interrupt();
        join(heartbeater, Duration.ofSeconds(5));
        timer.shutdownNow();
        taskThreads.close();
        lifecycle.lock();
        try {
            stopResult = allFinished;
            state.set(3);
            stoppedSignal.signalAll();
        } finally {
            lifecycle.unlock();
        }
        LOG.info("Worker {} stopped{}", id, allFinished ? "" : " (tasks still running at the deadline were given back)");
        return allFinished;
    }

    private void giveBack(List<Execution> executions, String why) {
        if (executions.isEmpty()) {
            return;
        }
        var ids = executions.stream().map(e -> e.task.id()).toList();
        try {
            engine.release(id, ids);
            LOG.info("Worker {} gave back {} task(s) ({}); their attempt does not count", id, ids.size(), why);
        } catch (RuntimeException e) {
            LOG.warn("Worker {} could not give back {} task(s) ({}); they will run again once their lease expires: {}", id, ids.size(),
                    why, e.toString());
        }
        for (var execution : executions) {
            forget(execution);
        }
    }

    private boolean awaitDrained(long deadline) {
        lifecycle.lock();
        try {
            while (!inFlight.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                drained.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return inFlight.isEmpty();
        } finally {
            lifecycle.unlock();
        }
    }

    private static void join(Thread thread, Duration timeout) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void withMdc(ClaimedTask task, Runnable action) {
        var previous = MDC.getCopyOfContextMap();
        MDC.put("task.id", task.id());
        MDC.put("task.name", task.name());
        MDC.put("task.attempt", Integer.toString(task.attempt()));
        try {
            action.run();
        } finally {
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }

    static String stackTrace(Throwable failure) {
        var out = new StringWriter();
        failure.printStackTrace(new PrintWriter(out));
        var text = out.toString();
        return text.length() <= MAX_ERROR_CHARS ? text : text.substring(0, MAX_ERROR_CHARS) + "\n\t... (truncated)";
    }

    @Override
    public String toString() {
        return "Worker[" + id + ", " + queueNames + "]";
    }

    private static final class QueueLoop {
        final String queue;
        final int concurrency;
        final int capacity;
        final ReentrantLock lock = new ReentrantLock();
        final Condition room = lock.newCondition();
        final ArrayDeque<Execution> buffer = new ArrayDeque<>();
        int held;
        int running;
        boolean awaiting;
        Thread thread;

        QueueLoop(String queue, int concurrency, int capacity) {
            this.queue = queue;
            this.concurrency = concurrency;
            this.capacity = capacity;
        }
    }

    private static final class Execution {
        final ClaimedTask task;
        final QueueLoop loop;
        final AtomicInteger phase = new AtomicInteger(BUFFERED);
        private Thread thread;
        volatile String abandonedBecause;
        volatile TaskMeters meters;

        Execution(ClaimedTask task, QueueLoop loop) {
            this.task = task;
            this.loop = loop;
        }

        synchronized void attach() {
            thread = Thread.currentThread();
        }

        /** The task's code has returned: its thread is not interrupted on its behalf any more. */
        synchronized void detach() {
            thread = null;
        }

        /** Interrupts the task's thread while the task still runs there. */
        synchronized void interrupt() {
            if (thread != null) {
                thread.interrupt();
            }
        }
    }

    private record Finished(Execution execution, Completion completion) {
    }

    /** Meters, cached per task name and queue. */
    private final class Metrics {
        private final MeterRegistry registry;
        private final Map<String, Map<String, TaskMeters>> byQueueAndTask = new ConcurrentHashMap<>();

        Metrics(MeterRegistry registry) {
            this.registry = registry;
        }

        TaskMeters of(ClaimedTask task) {
            var byTask = byQueueAndTask.computeIfAbsent(task.queue(), q -> new ConcurrentHashMap<>());
            var meters = byTask.get(task.name());
            if (meters != null) {
                return meters;
            }
            // names nobody registered (a bad row, another application's task) are not made into tags, nor kept one by one
            var name = tasks.task(task.name()) == null ? "unknown" : task.name();
            return byTask.computeIfAbsent(name, n -> new TaskMeters(registry, n, task.queue()));
        }
    }

    private static final class TaskMeters {
        private final MeterRegistry registry;
        private final String task;
        private final String queue;
        final Counter started;
        final Counter succeeded;
        final Counter retried;
        final Counter recovered;
        private final Map<String, Counter> failed = new ConcurrentHashMap<>();
        private final Map<String, Timer> durations = new ConcurrentHashMap<>();
        final Timer succeededDuration;

        TaskMeters(MeterRegistry registry, String task, String queue) {
            this.registry = registry;
            this.task = task;
            this.queue = queue;
            started = counter("coda.durable.started", "Durable task attempts started");
            succeeded = counter("coda.durable.succeeded", "Durable tasks that succeeded");
            retried = counter("coda.durable.retried", "Durable task attempts that failed and will be retried");
            recovered = counter("coda.durable.recovered", "Durable tasks taken over from a worker whose lease expired");
            succeededDuration = duration("succeeded");
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tag("task", task).tag("queue", queue).register(registry);
        }

        Counter failed(String reason) {
            return failed.computeIfAbsent(reason, r -> Counter.builder("coda.durable.failed")
                    .description("Durable tasks that failed for good").tag("task", task).tag("queue", queue).tag("reason", r)
                    .register(registry));
        }

        Timer duration(String outcome) {
            return durations.computeIfAbsent(outcome, o -> Timer.builder("coda.durable.duration")
                    .description("Time durable task attempts ran").tag("task", task).tag("queue", queue).tag("outcome", o)
                    .register(registry));
        }
    }

    /** Configures a worker. */
    public static final class Builder {

        private final DurableTasks tasks;
        private final Map<String, Integer> concurrency = new LinkedHashMap<>();
        private Duration lease = Duration.ofSeconds(10);
        private Duration heartbeat;
        private Duration pollInterval = Duration.ofSeconds(1);
        private int batchSize = 100;
        private int prefetch;
        private Duration taskTimeout;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private String workerId;
        private MeterRegistry registry;

        Builder(DurableTasks tasks) {
            this.tasks = tasks;
        }

        /** Serves {@code queue}, running at most {@code tasks} of its tasks at a time (default: queue "default", 8). */
        public Builder concurrency(String queue, int tasks) {
            Objects.requireNonNull(queue, "queue");
            if (tasks < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1: " + tasks);
            }
            concurrency.put(queue, tasks);
            return this;
        }

        /** How long a claim lasts without a heartbeat (default 10 s): a dead worker's tasks run again after it. */
        public Builder lease(Duration value) {
            this.lease = positive(value, "lease");
            return this;
        }

        /** How often the leases of held tasks are extended (default: lease / 3). */
        public Builder heartbeat(Duration value) {
            this.heartbeat = positive(value, "heartbeat");
            return this;
        }

        /** How long to wait between claims when queues are empty (default 1 s; new tasks wake workers sooner where the engine can). */
        public Builder pollInterval(Duration value) {
            this.pollInterval = positive(value, "pollInterval");
            return this;
        }

        /** The most tasks one claim takes (default 100). */
        public Builder claimBatchSize(int tasks) {
            if (tasks < 1) {
                throw new IllegalArgumentException("claimBatchSize must be at least 1: " + tasks);
            }
            this.batchSize = tasks;
            return this;
        }

        /**
         * Tasks a queue may claim beyond its concurrency, waiting in the worker for a free slot (default 0).
         * Saves a claim round trip between tasks of high-throughput queues; they are given back at shutdown.
         */
        public Builder prefetch(int tasks) {
            if (tasks < 0) {
                throw new IllegalArgumentException("prefetch must not be negative: " + tasks);
            }
            this.prefetch = tasks;
            return this;
        }

        /**
         * Interrupts and fails (then retries) an attempt running longer than this (default: no limit), for tasks
         * whose call sets no timeout ({@code tasks.withTimeout(...)}) and that were registered without one
         * ({@link DurableTasks.Builder#timeout}).
         */
        public Builder taskTimeout(Duration value) {
            this.taskTimeout = positive(value, "taskTimeout");
            return this;
        }

        /** How long {@link Worker#close()} lets running tasks finish (default 30 s). */
        public Builder shutdownTimeout(Duration value) {
            if (value.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative: " + value);
            }
            this.shutdownTimeout = value;
            return this;
        }

        /** This worker's id, the lease owner of its tasks (default {@code host:pid:random}); unique among live workers. */
        public Builder workerId(String id) {
            this.workerId = Objects.requireNonNull(id, "id");
            return this;
        }

        /** Publishes {@code coda.durable.*} metrics here (default: the registry of the {@link DurableTasks}, if any). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /** A worker, not started. */
        public Worker build() {
            return new Worker(this);
        }

        /** A started worker. */
        public Worker start() {
            return build().start();
        }

        private static Duration positive(Duration value, String what) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
