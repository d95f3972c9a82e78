package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coda.tasks.internal.Niceness;
import dev.coda.tasks.internal.TaskThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks run on platform threads of the runtime, reused from one request's tasks to the next, at the priority
 * of the threads that hand them over, unless they keep the CPU busy: then they are lowered (where the system
 * allows it), so that they yield the CPU to requests.
 */
class TaskThreadsTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Integer> nices = new CopyOnWriteArrayList<>();

    void record() throws IOException {
        threads.add(Thread.currentThread());
        nices.add(niceOfThisThread());
    }

    /** Field 19 of {@code /proc/thread-self/stat}: the calling thread's nice value (Linux). */
    static int niceOfThisThread() throws IOException {
        var stat = Files.readString(Path.of("/proc/thread-self/stat"));
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);      // fields from the third (state) on: nice is the 19th field
    }

    @Test
    void theTasksOfSuccessiveRequestsRunOnReusedPlatformThreadsOfTheRuntime() {
        var runtime = runtimes.start();
        for (int i = 0; i < 20; i++) {
            var tasks = runtime.newTasks("POST /mail", "req-" + i);
            tasks.addTask(this::record);
            done(runtime.dispatch(tasks, false));
        }

        assertThat(threads).hasSize(20).allSatisfy(thread -> {
            assertThat(thread.isVirtual()).isFalse();
            assertThat(thread.isDaemon()).as("never keeps the JVM alive: tasks are drained by shutdown").isTrue();
            assertThat(thread.getName()).matches("coda-task-\\d+");
        });
        assertThat(threads.stream().distinct().count()).as("one request after the other: a thread reused").isLessThan(20);
    }

    /** Where the spinning's result goes, so that it is not optimised away. */
    static volatile long sink;

    /** Spins until this thread's nice value differs from {@code from}, or it has used {@code cpuMillis} of CPU; returns its nice value. */
    static int spinWhileNice(int from, long cpuMillis) throws IOException {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        int nice = niceOfThisThread();
        long x = 0;
        while (nice == from && threads.getCurrentThreadCpuTime() - start < cpuMillis * 1_000_000) {
            for (int i = 0; i < 100_000; i++) {
                x += i * 31L;
            }
            nice = niceOfThisThread();
        }
        sink = x;
        return nice;
    }

    void spinAndRecordNice(int from, long cpuMillis) throws IOException {
        threads.add(Thread.currentThread());
        nices.add(spinWhileNice(from, cpuMillis));
    }

    @Test
    void aShortTaskRunsAtThePriorityOfTheThreadThatDispatchedItSoThatTasksKeepUpWithALoadedServer() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /mail", "req-1");
        tasks.addTask(this::record);

        done(runtime.dispatch(tasks, false));

        assertThat(nices).singleElement().isEqualTo(niceOfThisThread());
    }

    @Test
    void aTaskThatKeepsTheCpuBusyIsLoweredTenNiceStepsAndTheNextTaskGetsAThreadAtFullPriority() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start();
        int mine = niceOfThisThread();
        var busy = runtime.newTasks("POST /resize", "req-1");
        busy.addTask(this::spinAndRecordNice, mine, 10_000L);
        done(runtime.dispatch(busy, false));
        var next = runtime.newTasks("POST /mail", "req-2");
        next.addTask(this::record);

        done(runtime.dispatch(next, false));

        assertThat(nices).containsExactly(Math.min(19, mine + 10), mine);
        assertThat(threads.get(1)).as("the lowered thread ended after its task").isNotSameAs(threads.get(0));
    }

    /**
     * A busy task that hands over more work once it is lowered: the new work is the first for a fresh pool's
     * second thread, which the lowered thread must not start itself, as a thread inherits its creator's nice value.
     */
    @Test
    void workHandedOverByALoweredTaskRunsAtFullPriority() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start();
        int mine = niceOfThisThread();
        var handedOver = new AtomicReference<CompletionStage<Void>>();
        var busy = runtime.newTasks("POST /resize", "req-1");
        busy.addTask(() -> {
            spinAndRecordNice(mine, 10_000L);
            var next = runtime.newTasks("POST /mail", "req-2");
            next.addTask(this::record);
            handedOver.set(runtime.dispatch(next, false));     // from the lowered thread, while it still runs
        });

        done(runtime.dispatch(busy, false));
        done(handedOver.get());

        assertThat(nices).containsExactly(Math.min(19, mine + 10), mine);
    }

    /**
     * The watchdog may decide to lower a busy job's thread just as the job ends: the job its thread takes next must
     * not run lowered. Not deterministic (the watchdog cannot be paused without a hook in the pool): busy jobs of 2
     * to 4 ms against looks every millisecond, each handing over a short job that its own thread is the first to see.
     */
    @Test
    void theJobTakenAfterABusyOneNeverRunsLowered() throws InterruptedException, IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        int mine = niceOfThisThread();
        try (var pool = new TaskThreads("race-", Duration.ofSeconds(60), 10, Duration.ofMillis(1))) {
            for (int round = 0; round < 300; round++) {
                var ran = new CountDownLatch(1);
                long cpuMillis = 2 + round % 3;
                pool.execute(() -> {
                    spinWhileNiceUnchecked(mine, cpuMillis);
                    pool.execute(() -> recordNiceDuringShortJob(ran));
                });
                assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }

        assertThat(nices).hasSize(300).containsOnly(mine);
    }

    private static void spinWhileNiceUnchecked(int from, long cpuMillis) {
        try {
            spinWhileNice(from, cpuMillis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The highest nice value of a few looks: a thread lowered just after the job began is seen too. */
    private void recordNiceDuringShortJob(CountDownLatch ran) {
        try {
            int highest = Integer.MIN_VALUE;
            for (int i = 0; i < 5; i++) {
                highest = Math.max(highest, niceOfThisThread());
            }
            nices.add(highest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            ran.countDown();
        }
    }

    @Test
    void withNicenessZeroABusyTaskKeepsItsPriority() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start(TaskRuntime.builder().niceness(0));
        int mine = niceOfThisThread();
        var tasks = runtime.newTasks("POST /resize", "req-1");
        tasks.addTask(this::spinAndRecordNice, mine, 300L);     // fifteen times what gets a busy task lowered

        done(runtime.dispatch(tasks, false));

        assertThat(nices).singleElement().isEqualTo(mine);
    }
}
