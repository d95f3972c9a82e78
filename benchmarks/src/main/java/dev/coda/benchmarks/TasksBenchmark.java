package dev.coda.benchmarks;

import dev.coda.tasks.TaskHandle;
import dev.coda.tasks.TaskRuntime;
import dev.coda.tasks.internal.TaskThreads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.MDC;

/**
 * The task runtime's cost per task, with the settings a Coda app uses by default. {@code addTask} alone,
 * then the whole way: a unit of work per request ({@code newTasks}), {@code addTask}, {@code dispatch}
 * (which hands the unit to a thread of the runtime's pool), and the task run there. The dispatching benchmarks hand over
 * {@value #UNITS} units per invocation and wait until every task has run, so the queue stays bounded and
 * the figure is a sustained cost per task (ns/op is per task), not the cost of filling a queue.
 * {@code requestContext} does with the SLF4J MDC what Coda's {@code Application.handle} does for every
 * request: puts a {@code requestId} before the request's tasks are added and removes it once the request is
 * handled (the tasks are dispatched after that, when the response is complete). Every task captures the MDC
 * of its {@code addTask} call, and the MDC changes from one request to the next, as it does in a server.
 * The dispatching benchmarks also count, in {@link RequestSide}, the time the benchmark thread spends adding
 * and handing over the tasks (the loop, without the wait for the tasks): what a request's own thread pays,
 * while the tasks' threads run on the other cores.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TasksBenchmark {

    static final int UNITS = 1_000;
    private static final String ORIGIN = "POST /send-notification/{email}";
    private static final String REQUEST_ID = "6f1f0d1e-8a52-4d55-b0c8-55e1d6f5b3a1";

    @Param({"true", "false"})
    public boolean requestContext;

    private TaskRuntime runtime;

    static void noop(String message) {
        // the task's own work is not what is measured
    }

    static void countDown(CountDownLatch latch) {
        latch.countDown();
    }

    /**
     * The request's side of a dispatching benchmark, as two JMH counters summed over each iteration: the CPU
     * time of the benchmark thread in the dispatching loop (requests' MDC put and remove, {@code newTasks},
     * {@code addTask}, {@code dispatch}; not the wait for the tasks), and the tasks it dispatched meanwhile.
     * Their ratio is the cost per task on the request's thread ({@code benchmarks/report.py} prints it). CPU
     * time, not elapsed time: the tasks' threads run meanwhile, and on a machine with few cores they take the
     * benchmark thread's core from it now and then, which is not a cost of dispatching.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class RequestSide {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        public long requestSideNanos;
        public long requestSideTasks;

        @Setup(Level.Iteration)
        public void reset() {
            requestSideNanos = 0;
            requestSideTasks = 0;
        }

        /** The current (platform) thread's CPU time, in nanoseconds. */
        static long cpuTime() {
            return THREADS.getCurrentThreadCpuTime();
        }

        void add(long nanos, long tasks) {
            requestSideNanos += nanos;
            requestSideTasks += tasks;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        runtime = TaskRuntime.create();
        MDC.clear();
    }

    /** The start of a request, as {@code Application.handle} does it: the request id goes into the MDC. */
    private void enterRequest() {
        if (requestContext) {
            MDC.put("requestId", REQUEST_ID);
        }
    }

    /** The request is handled: its id leaves the MDC (its tasks are dispatched later, after the response). */
    private void leaveRequest() {
        if (requestContext) {
            MDC.remove("requestId");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        MDC.clear();
        pool.close();
        if (!runtime.shutdown(Duration.ofSeconds(30))) {
            throw new IllegalStateException("tasks left over");
        }
    }

    /** A request's task list and one {@code addTask}, not dispatched. */
    @Benchmark
    public TaskHandle addTask() {
        enterRequest();
        var tasks = runtime.newTasks(ORIGIN, REQUEST_ID);
        var handle = tasks.addTask(TasksBenchmark::noop, "message to foo@example.com\n");
        leaveRequest();
        return handle;
    }

    /** A task list with one task per request, dispatched and run; per task. */
    @Benchmark
    @OperationsPerInvocation(UNITS)
    public void addTaskAndDispatch(RequestSide side) throws InterruptedException {
        var done = new CountDownLatch(UNITS);
        long start = RequestSide.cpuTime();
        for (int i = 0; i < UNITS; i++) {
            enterRequest();
            var tasks = runtime.newTasks(ORIGIN, REQUEST_ID);
            tasks.addTask(TasksBenchmark::countDown, done);
            leaveRequest();
            runtime.dispatch(tasks, false);
        }
        side.add(RequestSide.cpuTime() - start, UNITS);
        done.await();
    }

    /**
     * The floor the runtime was compared with while it ran tasks on virtual threads: what {@code addTaskAndDispatch}
     * does with none of the bookkeeping, a bare virtual thread started per unit (named as the runtime names its threads: an unnamed
     * virtual thread factory, then {@code setName} with a counter) that runs the task.
     */
    @Benchmark
    @OperationsPerInvocation(UNITS)
    public void bareVirtualThreadPerTask(RequestSide side) throws InterruptedException {
        var done = new CountDownLatch(UNITS);
        long start = RequestSide.cpuTime();
        for (int i = 0; i < UNITS; i++) {
            var thread = BARE.newThread(done::countDown);
            thread.setName("bare-" + BARE_NUMBER.getAndIncrement());
            thread.start();
        }
        side.add(RequestSide.cpuTime() - start, UNITS);
        done.await();
    }

    private static final java.util.concurrent.ThreadFactory BARE = Thread.ofVirtual().factory();
    private static final java.util.concurrent.atomic.AtomicLong BARE_NUMBER = new java.util.concurrent.atomic.AtomicLong();

    /**
     * The floor of the runtime's threads: what {@code addTaskAndDispatch} does with none of the bookkeeping, each
     * unit's task handed to a pool of platform threads as the runtime's ({@link TaskThreads}: a direct hand-off to
     * an idle thread, or a new one).
     */
    @Benchmark
    @OperationsPerInvocation(UNITS)
    public void barePlatformPoolPerTask(RequestSide side) throws InterruptedException {
        var done = new CountDownLatch(UNITS);
        long start = RequestSide.cpuTime();
        for (int i = 0; i < UNITS; i++) {
            pool.execute(done::countDown);
        }
        side.add(RequestSide.cpuTime() - start, UNITS);
        done.await();
    }

    private final TaskThreads pool = new TaskThreads("bare-", Duration.ofSeconds(60), 0);

    /** Tutorial002's shape: two tasks per request, dispatched and run; per task. */
    @Benchmark
    @OperationsPerInvocation(2 * UNITS)
    public void addTwoTasksAndDispatch(RequestSide side) throws InterruptedException {
        var done = new CountDownLatch(2 * UNITS);
        long start = RequestSide.cpuTime();
        for (int i = 0; i < UNITS; i++) {
            enterRequest();
            var tasks = runtime.newTasks(ORIGIN, REQUEST_ID);
            tasks.addTask(TasksBenchmark::countDown, done);
            tasks.addTask(TasksBenchmark::countDown, done);
            leaveRequest();
            runtime.dispatch(tasks, false);
        }
        side.add(RequestSide.cpuTime() - start, 2 * UNITS);
        done.await();
    }
}
