package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.coda.tasks.internal.Niceness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tasks run on platform threads of the runtime, reused from one request's tasks to the next, at a lower CPU
 * priority than the threads that hand them over (where the system allows it).
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

    @Test
    void tasksRunTenNiceStepsBelowTheThreadThatDispatchedThemSoThatBusyTasksYieldTheCpuToRequests() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /resize", "req-1");
        tasks.addTask(this::record);

        done(runtime.dispatch(tasks, false));

        assertThat(nices).singleElement().isEqualTo(Math.min(19, niceOfThisThread() + 10));
    }

    @Test
    void withNicenessZeroTasksRunAtTheDispatchingThreadsPriority() throws IOException {
        assumeTrue(Niceness.available(), "lowering a thread's priority needs Linux and JDK 22+");
        var runtime = runtimes.start(TaskRuntime.builder().niceness(0));
        var tasks = runtime.newTasks("POST /resize", "req-1");
        tasks.addTask(this::record);

        done(runtime.dispatch(tasks, false));

        assertThat(nices).singleElement().isEqualTo(niceOfThisThread());
    }
}
