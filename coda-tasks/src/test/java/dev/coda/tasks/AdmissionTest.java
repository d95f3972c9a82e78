package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AdmissionTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    // Limits

    @Test
    void aTaskListStartsAtOnceWhileASlotIsFreeAndItsTasksFit() {
        var admission = new Admission<String>(2, 10);

        assertThat(admission.tryStart(3)).isTrue();
        assertThat(admission.tryStart(3)).isTrue();
        assertThat(admission.tryStart(0)).as("no third slot").isFalse();

        assertThat(admission.runningLists()).isEqualTo(2);
        assertThat(admission.queuedTasks()).isEqualTo(6);
    }

    @Test
    void tasksAreCountedUpToMaxQueuedTasksAndNotOneMore() {
        var admission = new Admission<String>(1, 5);

        assertThat(admission.tryCount(3)).isTrue();
        assertThat(admission.tryCount(3)).as("3 + 3 > 5").isFalse();
        assertThat(admission.tryCount(2)).isTrue();
        assertThat(admission.tryCount(1)).isFalse();
        assertThat(admission.tryStart(1)).as("a free slot does not make room for tasks").isFalse();

        assertThat(admission.queuedTasks()).isEqualTo(5);
    }

    @Test
    void aTaskListWithTooManyTasksForTheQueueNeverStarts() {
        var admission = new Admission<String>(4, 5);

        assertThat(admission.tryStart(6)).isFalse();
        assertThat(admission.tryCount(6)).isFalse();
        assertThat(admission.runningLists()).isZero();
        assertThat(admission.queuedTasks()).isZero();
    }

    @Test
    void startedAndUncountedTasksLeaveTheCount() {
        var admission = new Admission<String>(1, 4);
        admission.tryStart(4);

        admission.taskStarted();
        admission.uncount(2);

        assertThat(admission.queuedTasks()).isEqualTo(1);
        assertThat(admission.tryCount(3)).isTrue();
    }

    @Test
    void waitingTaskListsGetFreedSlotsOldestFirstAndNewcomersWaitBehindThem() {
        var admission = new Admission<String>(1, 10);
        assertThat(admission.tryStart(1)).isTrue();
        for (var name : List.of("a", "b")) {
            admission.tryCount(1);
            admission.enqueue(name);
            assertThat(admission.nextToStart()).as("no slot is free").isNull();
        }

        admission.release();

        assertThat(admission.nextToStart()).isEqualTo("a");
        assertThat(admission.nextToStart()).as("the one slot is a's").isNull();
        admission.release();
        assertThat(admission.tryStart(0)).as("b waits: a newcomer does not jump the line").isFalse();
        assertThat(admission.nextToStart()).isEqualTo("b");
        assertThat(admission.runningLists()).isEqualTo(1);
    }

    @Test
    void pollTakesTheOldestWaitingTaskListWithoutASlot() {
        var admission = new Admission<String>(1, 10);
        admission.tryStart(0);
        admission.enqueue("a");
        admission.enqueue("b");

        assertThat(admission.poll()).isEqualTo("a");
        assertThat(admission.runningLists()).isEqualTo(1);
        assertThat(admission.poll()).isEqualTo("b");
        assertThat(admission.poll()).isNull();
    }

    // Concurrency

    @Test
    void threadsStartingReleasingAndQueuingAtOnceNeverHoldMoreThanMaxConcurrencySlots() throws Exception {
        int slots = 3;
        int threads = 8;
        int perThread = 2_000;
        var admission = new Admission<Integer>(slots, 1_000_000);
        var holding = new AtomicInteger();
        var peak = new AtomicInteger();
        var started = new AtomicInteger();
        var go = new CountDownLatch(1);
        Runnable hold = () -> {
            peak.accumulateAndGet(holding.incrementAndGet(), Math::max);
            started.incrementAndGet();
            holding.decrementAndGet();
        };
        // A task list's whole life: start now or wait in line, run, give the slot back and start the waiting.
        Runnable release = () -> {
            admission.release();
            for (Integer next; (next = admission.nextToStart()) != null; ) {
                admission.taskStarted();
                hold.run();
                admission.release();
            }
        };
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.execute(() -> {
                    await(go);
                    for (int i = 0; i < perThread; i++) {
                        if (admission.tryStart(1)) {
                            admission.taskStarted();
                            hold.run();
                            release.run();
                        } else if (admission.tryCount(1)) {
                            admission.enqueue(thread * perThread + i);
                            for (Integer next; (next = admission.nextToStart()) != null; ) {
                                admission.taskStarted();
                                hold.run();
                                release.run();
                            }
                        }
                    }
                });
            }
            go.countDown();
        }

        assertThat(started.get()).as("every task list ran once").isEqualTo(threads * perThread);
        assertThat(peak.get()).isLessThanOrEqualTo(slots);
        assertThat(admission.runningLists()).isZero();
        assertThat(admission.queuedTasks()).isZero();
        assertThat(admission.poll()).isNull();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    // Through the runtime: the slot and the counted tasks come back however a task list ends.

    @Test
    void aTaskListThatSucceedsGivesItsSlotToTheNextOne() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var firstDone = TestSupport.holdTheSlot(runtime, gate);
        var ran = new ConcurrentLinkedQueue<String>();
        var second = runtime.newTasks("second", "req-2");
        second.addTask(ran::add, "second");
        var secondDone = runtime.dispatch(second, false);
        assertThat(runtime.queuedTasks()).isEqualTo(1);

        gate.open();

        done(firstDone);
        done(secondDone);
        assertThat(ran).containsExactly("second");
        assertThat(runtime.queuedTasks()).isZero();
    }

    @Test
    void aTaskListWhoseTasksFailGivesItsSlotAndCountsBack() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1).maxQueuedTasks(2));
        var finished = new ArrayList<CompletionStage<Void>>();
        for (int i = 0; i < 5; i++) {
            var tasks = runtime.newTasks("failing " + i, "req-" + i);
            tasks.addTask(AdmissionTest::fail);
            finished.add(runtime.dispatch(tasks, false));
            done(finished.getLast());
        }
        var ran = new ConcurrentLinkedQueue<String>();
        var last = runtime.newTasks("after the failures", "req-5");
        last.addTask(ran::add, "ran");
        last.addTask(ran::add, "ran too");

        done(runtime.dispatch(last, false));

        assertThat(ran).as("a full queue would have rejected these").containsExactly("ran", "ran too");
        assertThat(runtime.queuedTasks()).isZero();
        assertThat(runtime.runningTasks()).isZero();
    }

    @Test
    void anAdmittedTaskListGivesItsCountedTasksBackWhenItsTaskFails() throws Exception {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1).maxQueuedTasks(2));
        var tasks = runtime.newTasks("admitted", "req-1");
        var handle = tasks.addTask(AdmissionTest::fail);
        runtime.admit(tasks, false);
        assertThat(runtime.queuedTasks()).isEqualTo(1);

        done(runtime.dispatch(tasks, false));

        assertThat(handle.state()).isEqualTo(TaskState.FAILED);
        assertThat(runtime.queuedTasks()).isZero();
    }

    private static void fail() {
        throw new IllegalStateException("this task fails");
    }
}
