package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StressTest {

    private static final int UNITS = 500;
    private static final int THREADS = 16;

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    static void count(ConcurrentHashMap<String, AtomicInteger> runs, String key) {
        runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Counts {@code key}, and counts it as out of order if the task list's first task has not run yet. */
    static void countAfter(ConcurrentHashMap<String, AtomicInteger> runs, String key, String previous) {
        count(runs, runs.containsKey(previous) ? key : key + " before " + previous);
    }

    @Test
    void fiveHundredTaskListsOfTwoTasksDispatchedFromManyThreadsEachRunExactlyOnce() throws Exception {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(8));
        var runs = new ConcurrentHashMap<String, AtomicInteger>();
        var taskLists = new CopyOnWriteArrayList<CompletionStage<Void>>();
        var handles = new CopyOnWriteArrayList<TaskHandle>();
        var start = new CountDownLatch(1);
        var next = new AtomicInteger();

        try (var pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int taskList; (taskList = next.getAndIncrement()) < UNITS; ) {
                        var tasks = runtime.newTasks("unit", "req-" + taskList);
                        handles.add(tasks.addTask(StressTest::count, runs, taskList + "/a"));
                        handles.add(tasks.addTask(StressTest::countAfter, runs, taskList + "/b", taskList + "/a"));
                        taskLists.add(runtime.dispatch(tasks, false));
                    }
                    return null;
                });
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        taskLists.forEach(TestSupport::done);

        assertThat(taskLists).hasSize(UNITS);
        assertThat(runs).hasSize(UNITS * 2);
        assertThat(runs.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(runs.keySet()).noneMatch(key -> key.contains("before"));
        assertThat(handles).hasSize(UNITS * 2).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(runtime.queuedTasks()).isZero();
        assertThat(runtime.runningTasks()).isZero();
    }

    static void nap() throws InterruptedException {
        Thread.sleep(1);
    }

    @Test
    void taskListsDispatchedFromManyThreadsWhileTheRuntimeShutsDownAllEndAndLeaveNoTaskBehind() throws Exception {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(4));
        var taskLists = new CopyOnWriteArrayList<CompletionStage<Void>>();
        var handles = new CopyOnWriteArrayList<TaskHandle>();
        var stop = new AtomicBoolean();
        var start = new CountDownLatch(1);
        var dispatched = new AtomicInteger();

        try (var pool = Executors.newFixedThreadPool(THREADS)) {
            for (int t = 0; t < THREADS; t++) {
                pool.submit(() -> {
                    start.await();
                    for (int taskList = 0; !stop.get(); taskList++) {
                        var tasks = runtime.newTasks("unit", "req-" + taskList);
                        handles.add(tasks.addTask(StressTest::nap));
                        handles.add(tasks.addTask(StressTest::nap));
                        taskLists.add(runtime.dispatch(tasks, false));
                        dispatched.incrementAndGet();
                    }
                    return null;
                });
            }
            start.countDown();
            eventually().until(() -> dispatched.get() >= 200);
            runtime.shutdown(Duration.ofMillis(20));
            eventually().until(() -> dispatched.get() >= 400);   // and more, after the shutdown
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        taskLists.forEach(TestSupport::done);

        assertThat(handles).hasSize(taskLists.size() * 2)
                .allSatisfy(handle -> assertThat(handle.state().isTerminal()).as(handle.toString()).isTrue());
        assertThat(handles).extracting(TaskHandle::state).contains(TaskState.FAILED);   // rejected after the shutdown
        assertThat(runtime.queuedTasks()).isZero();
        eventually().until(() -> runtime.runningTasks() == 0);
        assertThat(runtime.shutdown(Duration.ZERO)).isTrue();
    }
}
