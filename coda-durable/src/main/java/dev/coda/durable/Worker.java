package dev.coda.durable;

import dev.coda.durable.internal.CompletionRecorder;
import dev.coda.durable.internal.HeldTasks;
import dev.coda.durable.internal.LeaseKeeper;
import dev.coda.durable.internal.ManualCycle;
import dev.coda.durable.internal.Outcomes;
import dev.coda.durable.internal.QueuePoller;
import dev.coda.durable.internal.StatsRecorder;
import dev.coda.durable.internal.TaskExecution;
import dev.coda.durable.internal.TaskReceivers;
import dev.coda.tasks.ContextPropagator;
import dev.coda.tasks.TaskErrorHandler;
import dev.coda.durable.internal.WorkerMetrics;
import dev.coda.durable.spi.TaskStats;
import dev.coda.durable.spi.WorkerInfo;
import dev.coda.durable.testing.ManualWorker;
import dev.coda.tasks.internal.TaskThreads;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * in the MDC): start and success at DEBUG, retries and recoveries at WARN, failures at ERROR. Metrics: the
 * {@code coda.tasks.*} meters of {@link dev.coda.tasks.TaskMeters} ({@code runs}, {@code completed}, {@code failures},
 * {@code started}, {@code retries}, {@code recoveries}), tagged {@code kind=durable}, {@code task} and {@code queue}.
 *
 * <p>This class is the facade: one {@code QueuePoller} per queue claims, a {@code TaskExecution} runs each
 * claimed task, {@code Outcomes} decides what becomes of it, the {@code CompletionRecorder} commits it,
 * the {@code LeaseKeeper} heartbeats, all in {@code dev.coda.durable.internal}. {@link #stop} runs, in order:
 * <ol>
 * <li>the lifecycle moves to STOPPING (from NEW straight to STOPPED; a second caller waits for the first's result);
 * <li>every poller stops claiming (woken, its wait for work interrupted; a claim that was under way gives its
 *     tasks back) and its thread is joined, up to the deadline but at least 5 s;
 * <li>the claimed tasks that have not started are given back at once (their attempt does not count);
 * <li>the running tasks finish until the deadline ({@code timeout} after the call);
 * <li>those still running then are interrupted and given back, and the outcomes already known get 5 s more;
 * <li>the recorder commits what has come and stops (10 s at most), and the stats counted since their last flush are added
 *     to the engine's roll-up;
 * <li>the lease keeper stops (5 s at most; it heartbeats until here, while tasks drain) and removes the worker from
 *     the engine's registry of workers, where it registered on start; the timeout timer and the task threads are
 *     shut down;
 * <li>the lifecycle moves to STOPPED with the result: whether every running task finished in time.
 * </ol>
 *
 * @implNote Past 400 lines for its {@link Builder}, one documented method per setting; the work is done in
 *     {@code dev.coda.durable.internal}.
 */
public final class Worker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("dev.coda.durable");

    /** A worker's life; {@link #mayBecome} holds its only moves. */
    private enum Lifecycle {
        NEW, STARTED, STOPPING, STOPPED;

        boolean mayBecome(Lifecycle next) {
            return switch (this) {
                case NEW -> next == STARTED || next == STOPPED;
                case STARTED -> next == STOPPING;
                case STOPPING -> next == STOPPED;
                case STOPPED -> false;
            };
        }
    }

    private final DurableTasks tasks;
    private final String id;
    private final Duration lease;
    private final Duration heartbeat;
    private final Duration shutdownTimeout;
    private final List<QueuePoller> pollers = new ArrayList<>();
    private final List<String> queueNames;
    private final HeldTasks held;
    private final CompletionRecorder recorder;
    private final LeaseKeeper leaseKeeper;
    private final StatsRecorder stats;
    /**
     * Platform threads at a lower priority: a task blocked in file I/O or busy on the CPU never holds a request
     * handler's carrier, and busy tasks yield the CPU to requests and to this worker's heartbeats.
     */
    private final TaskThreads taskThreads = new TaskThreads("coda-durable-task-", Duration.ofSeconds(60), 10);
    private final ScheduledExecutorService timer; // its thread starts with the first timeout scheduled
    private final ReentrantLock lifecycleLock = new ReentrantLock();
    private final Condition stoppedSignal = lifecycleLock.newCondition();
    private Lifecycle lifecycle = Lifecycle.NEW;
    private boolean stopResult;

    private Worker(Builder b) {
        this.tasks = b.tasks;
        var engine = b.tasks.engine();
        this.id = b.workerId != null ? b.workerId : defaultId();
        this.lease = b.lease;
        this.heartbeat = b.heartbeat != null ? b.heartbeat : b.lease.dividedBy(3);
        if (heartbeat.compareTo(lease) >= 0 || heartbeat.isZero() || heartbeat.isNegative()) {
            throw new IllegalArgumentException("the heartbeat (" + heartbeat + ") must be positive and shorter than the lease (" + lease + ")");
        }
        this.shutdownTimeout = b.shutdownTimeout;
        var clock = b.clock;
        var metrics = new WorkerMetrics(b.registry != null ? b.registry : tasks.registry(), name -> tasks.task(name) != null);
        this.stats = new StatsRecorder(engine.capability(TaskStats.class), name -> tasks.task(name) != null, clock, b.statsInterval,
                b.statsRetention);
        this.held = new HeldTasks(engine, id);
        this.recorder = new CompletionRecorder(engine, id, held, clock);
        var concurrency = b.concurrency.isEmpty() ? Map.of("default", 8) : b.concurrency;
        var registration = new WorkerInfo(id, hostName(), ProcessHandle.current().pid(), null, null, List.copyOf(concurrency.keySet()),
                concurrency.values().stream().mapToInt(Integer::intValue).sum());
        this.leaseKeeper = new LeaseKeeper(engine, registration, lease, heartbeat, held, clock);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("coda-durable-timeouts-" + id).factory());
        var taskTimeout = b.taskTimeout;
        Function<String, Duration> timeouts = name -> {
            var registered = tasks.timeout(name);
            return registered != null ? registered : taskTimeout;
        };
        var methods = TaskReceivers.bind(tasks.names(), tasks::task, b.services);
        var setup = new TaskExecution.Setup(id, methods::get, tasks::names, timeouts,
                metrics, new Outcomes(tasks.retryPolicy(), tasks.objectMapper(), metrics, clock, stats), recorder, taskThreads, timer,
                b.errorHandler, List.copyOf(b.propagators));
        var settings = new QueuePoller.Settings(engine, lease, b.pollInterval, b.batchSize);
        concurrency.forEach((queue, n) -> pollers.add(new QueuePoller(queue, n, b.prefetch, settings, setup, held, clock)));
        this.queueNames = List.copyOf(concurrency.keySet());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return Objects.requireNonNullElse(System.getenv("HOSTNAME"), "localhost");
        }
    }

    private static String defaultId() {
        return hostName() + ":" + ProcessHandle.current().pid() + ":" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24));
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
        return held.size();
    }

    /** Moves the lifecycle from {@code from} to {@code to}; false when it is elsewhere. Call with the lock held. */
    private boolean move(Lifecycle from, Lifecycle to) {
        assert from.mayBecome(to) : from + " -> " + to;
        if (lifecycle != from) {
            return false;
        }
        lifecycle = to;
        if (to == Lifecycle.STOPPED) {
            stoppedSignal.signalAll();
        }
        return true;
    }

    /** Starts claiming and running tasks; returns this worker. */
    public Worker start() {
        return start(true);
    }

    /** Starts; {@code claiming} false starts every piece but the claim loops (a {@link ManualWorker} claims when told). */
    private Worker start(boolean claiming) {
        lifecycleLock.lock();
        try {
            if (!move(Lifecycle.NEW, Lifecycle.STARTED)) {
                throw new IllegalStateException("worker " + id + " was already started");
            }
        } finally {
            lifecycleLock.unlock();
        }
        if (tasks.names().isEmpty()) {
            LOG.warn("Worker {} has no registered durable task: every task it claims will fail as unknown", id);
        }
        recorder.start("coda-durable-commit-" + id);
        leaseKeeper.start("coda-durable-heartbeat-" + id);
        stats.start("coda-durable-stats-" + id);
        for (var poller : claiming ? pollers : List.<QueuePoller>of()) {
            poller.start("coda-durable-claim-" + poller.queue() + "-" + id);
        }
        LOG.info("Worker {} started{}: queues {}, lease {} ms, heartbeat {} ms, tasks {}", id, claiming ? "" : " (claiming when told)",
                pollers.stream().map(p -> p.queue() + "=" + p.concurrency()).toList(), lease.toMillis(), heartbeat.toMillis(), tasks.names());
        return this;
    }

    /** Stops within the {@link Builder#shutdownTimeout shutdown timeout}. */
    @Override
    public void close() {
        stop(shutdownTimeout);
    }

    /**
     * Stops claiming, gives back the claimed tasks that have not started, waits until {@code timeout} for
     * the running ones to finish, then interrupts and gives back the rest (their attempt does not count).
     * The steps are listed on this class.
     *
     * @return whether every running task finished in time
     */
    public boolean stop(Duration timeout) {
        lifecycleLock.lock();
        try {
            if (move(Lifecycle.NEW, Lifecycle.STOPPED)) {
                timer.shutdownNow();
                return true;
            }
            while (lifecycle == Lifecycle.STOPPING) {
                stoppedSignal.awaitUninterruptibly(); // another thread is stopping it: wait for that
            }
            if (lifecycle == Lifecycle.STOPPED) {
                return stopResult;
            }
            move(Lifecycle.STARTED, Lifecycle.STOPPING);
        } finally {
            lifecycleLock.unlock();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        pollers.forEach(QueuePoller::stopClaiming);
        for (var poller : pollers) {
            poller.awaitStopped(Duration.ofNanos(Math.max(deadline - System.nanoTime(), TimeUnit.SECONDS.toNanos(5))));
        }
        var unstarted = new ArrayList<TaskExecution>();
        pollers.forEach(poller -> unstarted.addAll(poller.abandonBuffered("given back at shutdown")));
        held.giveBack(unstarted, "not started");
        boolean allFinished = held.awaitEmpty(deadline);
        if (!allFinished) {
            held.giveBack(held.abandonRunning("given back at the shutdown deadline"), "still running at the shutdown deadline");
            held.awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(5)); // outcomes already known are recorded
        }
        recorder.stop(Duration.ofSeconds(10));
        stats.stop();
        leaseKeeper.stop(Duration.ofSeconds(5));
        timer.shutdownNow();
        taskThreads.close();
        lifecycleLock.lock();
        try {
            stopResult = allFinished;
            move(Lifecycle.STOPPING, Lifecycle.STOPPED);
        } finally {
            lifecycleLock.unlock();
        }
        LOG.info("Worker {} stopped{}", id, allFinished ? "" : " (tasks still running at the deadline were given back)");
        return allFinished;
    }

    @Override
    public String toString() {
        return "Worker[" + id + ", " + queueNames + "]";
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
        private InstantSource clock;
        private final List<Object> services = new ArrayList<>();
        private TaskErrorHandler errorHandler;
        private final List<ContextPropagator> propagators = new ArrayList<>();
        private Duration statsInterval = Duration.ofSeconds(5);
        private Duration statsRetention = TaskStats.DEFAULT_RETENTION;

        Builder(DurableTasks tasks) {
            this.tasks = tasks;
            this.clock = tasks.clock();
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

        /** Publishes the {@code coda.tasks.*} meters (kind {@code durable}) here (default: the registry of the {@link DurableTasks}, if any). */
        public Builder meterRegistry(MeterRegistry meterRegistry) {
            this.registry = Objects.requireNonNull(meterRegistry, "meterRegistry");
            return this;
        }

        /**
         * The clock it reads for retry times, the wait for a due retry and its log summaries (default: its durable tasks',
         * {@link DurableTasks.Builder#clock}, else the system's);
         * a test may pass a fixed or offset one. A {@link #startManual() manual} worker also claims the tasks due on it.
         */
        public Builder clock(InstantSource value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * An object whose instance-method tasks this worker runs on it: the tasks registered with an unbound reference
         * to a method of its class ({@code .task(FileJobs::process)}), and those registered bound to another instance.
         * {@link #build()} fails if an instance method's task is left without an object, or two services fit one.
         *
         * <pre>{@code
         * var jobs = new FileJobs(uploadStore, httpClient);
         * durable.worker().service(jobs).start();
         * }</pre>
         */
        public Builder service(Object instance) {
            services.add(Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /**
         * Told about every failed attempt (the task threw or timed out; retried or not), after the worker has logged and
         * recorded it, on the task's thread (a timeout's on the timer thread); what it throws is logged and ignored. The
         * same handler as in-process tasks take ({@code TaskRuntime.Builder.errorHandler}).
         */
        public Builder errorHandler(TaskErrorHandler handler) {
            this.errorHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * A context made current around each task's method, as for in-process tasks; may be called several times. A
         * durable task comes from another process, so there is no adding thread: the propagator captures on the task's
         * thread just before the method runs, with the task's id, name and attempt in the MDC (to start a span, say).
         */
        public Builder contextPropagator(ContextPropagator propagator) {
            this.propagators.add(Objects.requireNonNull(propagator, "propagator"));
            return this;
        }

        /**
         * How often it adds what it counted (outcomes, queue wait, run time per minute, queue and task name) to the
         * engine's {@link TaskStats} roll-up (default 5 s); it also does when it stops.
         */
        public Builder statsInterval(Duration value) {
            this.statsInterval = positive(value, "statsInterval");
            return this;
        }

        /** How long the engine keeps the minutes of the stats roll-up (default 7 days); older ones are dropped as it adds. */
        public Builder statsRetention(Duration value) {
            this.statsRetention = positive(value, "statsRetention");
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

        /**
         * A started worker that claims only when its {@link ManualWorker#runDue()} is called, on its {@link #clock}: for
         * tests. It runs tasks with the same pieces and settings as {@link #start()}; {@code pollInterval},
         * {@code claimBatchSize} and {@code prefetch} do not apply.
         *
         * <pre>{@code
         * var clock = new SettableClock();
         * try (ManualWorker worker = durable.worker().clock(clock).startManual()) {
         *     worker.runDue();
         * }
         * }</pre>
         */
        public ManualWorker startManual() {
            var worker = build().start(false);
            return new ManualCycle(tasks.engine(), worker.id, worker.pollers, worker.held, clock, worker::close);
        }

        private static Duration positive(Duration value, String what) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + value);
            }
            return value;
        }
    }
}
