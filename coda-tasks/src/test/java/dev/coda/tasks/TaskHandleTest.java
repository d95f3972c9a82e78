package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskHandleTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final Events events = new Events();

    static void recordInterruptStatus(Events events) {
        events.add("interrupted=" + Thread.currentThread().isInterrupted());
    }

    @Test
    void theStageDispatchReturnsCannotBeCompletedFromOutsideAndCompletesWithTheTaskList() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        tasks.addTask(gate::pass);

        var taskListDone = runtime.dispatch(tasks, false);
        var copy = taskListDone.toCompletableFuture();
        var dependent = taskListDone.thenApply(v -> "after").toCompletableFuture();

        assertThat(copy.complete(null)).isTrue();                 // completes the copy only
        var asFuture = (CompletableFuture<Void>) taskListDone;
        assertThatThrownBy(() -> asFuture.complete(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> asFuture.cancel(true)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> asFuture.obtrudeValue(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(dependent).isNotDone();
        assertThat(asFuture).isNotDone();

        gate.open();

        assertThat(done(dependent)).isEqualTo("after");
        assertThat(asFuture).isCompleted();
        assertThat(taskListDone.toCompletableFuture()).isNotSameAs(taskListDone).isCompleted();
    }

    @Test
    void everyTaskGetsItsOwnId() {
        var runtime = runtimes.start();
        var ids = new HashSet<String>();
        var count = 0;
        for (int taskList = 0; taskList < 200; taskList++) {
            var tasks = runtime.newTasks("job", "run-" + taskList);
            for (int i = 0; i < 5; i++) {
                ids.add(tasks.addTask(events::add, "x").id());
                count++;
            }
        }

        assertThat(ids).hasSize(count).allSatisfy(id -> assertThat(id).isNotBlank());
    }

    @Test
    void threadsAskingForANewTasksIdAtOnceAllGetTheSameOneAndItSortsByWhenTheTaskWasAdded() throws Exception {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("job", "run-1");
        var first = tasks.addTask(events::add, "first");
        var second = tasks.addTask(events::add, "second");
        var go = new java.util.concurrent.CountDownLatch(1);
        var seen = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    seen.add(second.id());
                });
            }
            go.countDown();
        }

        assertThat(seen).singleElement().isEqualTo(second.id());
        assertThat(first.id()).as("made later, but the first task's time half was taken first").isLessThan(second.id());
    }

    @Test
    void aTaskGoesFromQueuedToRunningToSucceeded() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var self = new AtomicReference<TaskHandle>();
        var seenInside = new AtomicReference<TaskState>();
        self.set(tasks.addTask(() -> seenInside.set(self.get().state())));
        var blocking = tasks.addTask(gate::pass);

        assertThat(self.get().state()).isEqualTo(TaskState.QUEUED);
        assertThat(blocking.state()).isEqualTo(TaskState.QUEUED);
        var completion = blocking.completion().toCompletableFuture();

        var taskListDone = runtime.dispatch(tasks, false);

        eventually().until(() -> gate.entered() == 1);
        assertThat(blocking.state()).isEqualTo(TaskState.RUNNING);
        assertThat(completion).isNotDone();
        gate.open();

        assertThat(done(completion)).isEqualTo(TaskState.SUCCEEDED);
        done(taskListDone);
        assertThat(seenInside.get()).isEqualTo(TaskState.RUNNING);
        assertThat(self.get().state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(blocking.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(blocking.failure()).isEmpty();
    }

    @Test
    void aTaskThatThrowsGoesFromRunningToFailedAndItsCompletionSaysSo() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var boom = new IllegalStateException("boom");
        var handle = tasks.addTask(TestSupport::throwIt, boom);
        var completion = handle.completion();

        runtime.dispatch(tasks, false);

        assertThat(done(completion)).isEqualTo(TaskState.FAILED);
        assertThat(handle.state()).isEqualTo(TaskState.FAILED);
        assertThat(handle.failure()).containsSame(boom);
    }

    @Test
    void completionObtainedAfterTheTaskFinishedIsAlreadyComplete() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var ok = tasks.addTask(events::add, "ok");
        var failing = tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));

        done(runtime.dispatch(tasks, false));

        assertThat(ok.completion().toCompletableFuture()).isCompletedWithValue(TaskState.SUCCEEDED);
        assertThat(failing.completion().toCompletableFuture()).isCompletedWithValue(TaskState.FAILED);
    }

    @Test
    void completionCannotBeCompletedByTheCaller() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.addTask(events::add, "ok");

        handle.completion().toCompletableFuture().complete(TaskState.FAILED);
        done(runtime.dispatch(tasks, false));

        assertThat(done(handle.completion())).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void cancellingAQueuedTaskBeforeDispatchKeepsItFromRunning() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var cancelled = tasks.addTask(events::add, "cancelled");
        var kept = tasks.addTask(events::add, "kept");

        assertThat(cancelled.cancel()).isTrue();
        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(done(cancelled.completion())).isEqualTo(TaskState.CANCELLED);
        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("kept");
        assertThat(cancelled.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(cancelled.failure()).containsInstanceOf(CancellationException.class);
        assertThat(kept.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(runtime.queuedTasks()).isZero();
    }

    @Test
    void cancellingATaskThatWaitsBehindARunningOneKeepsItFromRunning() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        tasks.addTask(gate::pass);
        var waiting = tasks.addTask(events::add, "waiting");

        var taskListDone = runtime.dispatch(tasks, false);
        eventually().until(() -> gate.entered() == 1);
        assertThat(waiting.cancel()).isTrue();
        gate.open();

        done(taskListDone);
        assertThat(events.list()).isEmpty();
        assertThat(waiting.state()).isEqualTo(TaskState.CANCELLED);
    }

    @Test
    void cancellingARunningTaskInterruptsItAndItEndsCancelledWhileTheNextTaskRunsUndisturbed() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var running = tasks.addTask(gate::pass);
        var next = tasks.addTask(TaskHandleTest::recordInterruptStatus, events);

        var taskListDone = runtime.dispatch(tasks, false);
        eventually().until(() -> gate.entered() == 1);
        assertThat(running.cancel()).isTrue();

        assertThat(done(running.completion())).isEqualTo(TaskState.CANCELLED);
        assertThat(done(gate.interruption())).isNotNull();
        assertThat(running.failure()).containsInstanceOf(CancellationException.class);
        done(taskListDone);
        assertThat(next.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(events.list()).containsExactly("interrupted=false");
    }

    @Test
    void cancellingAFinishedTaskChangesNothing() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.addTask(events::add, "ok");
        done(runtime.dispatch(tasks, false));

        assertThat(handle.cancel()).isFalse();
        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aTaskPastItsTimeoutIsInterruptedAndFailsWithATimeoutException() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var slow = tasks.withTimeout(Duration.ofMillis(200)).addTask(gate::pass);
        var next = tasks.addTask(events::add, "next");

        done(runtime.dispatch(tasks, false));

        assertThat(slow.state()).isEqualTo(TaskState.FAILED);
        assertThat(slow.failure()).get().isInstanceOf(TimeoutException.class)
                .extracting(Throwable::getMessage).asString().contains("Gate.pass", "PT0.2S");
        assertThat(done(gate.interruption())).isNotNull();
        assertThat(next.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void anAsynchronousTaskPastItsTimeoutFailsWithATimeoutException() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var never = new CompletableFuture<Void>();
        var slow = tasks.withTimeout(Duration.ofMillis(200)).addTask(() -> never);

        done(runtime.dispatch(tasks, false));

        assertThat(slow.state()).isEqualTo(TaskState.FAILED);
        assertThat(slow.failure()).containsInstanceOf(TimeoutException.class);
    }

    @Test
    void aTaskWithinItsTimeoutSucceeds() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.withTimeout(Duration.ofSeconds(30)).addTask(events::add, "quick");

        done(runtime.dispatch(tasks, false));

        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(events.list()).containsExactly("quick");
    }

    @Test
    void theDefaultTimeoutAppliesToTasksThatSetNone() {
        var runtime = runtimes.start(TaskRuntime.builder().defaultTimeout(Duration.ofMillis(200)));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var slow = tasks.addTask(gate::pass);

        done(runtime.dispatch(tasks, false));

        assertThat(slow.state()).isEqualTo(TaskState.FAILED);
        assertThat(slow.failure()).containsInstanceOf(TimeoutException.class);
        assertThat(done(gate.interruption())).isNotNull();
    }

    @Test
    void anExplicitTimeoutOverridesTheDefaultOne() {
        var runtime = runtimes.start(TaskRuntime.builder().defaultTimeout(Duration.ofMillis(100)));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        var patient = tasks.withTimeout(Duration.ofMinutes(1)).addTask(gate::pass);

        var taskListDone = runtime.dispatch(tasks, false);

        Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> patient.state() == TaskState.RUNNING);
        gate.open();
        done(taskListDone);
        assertThat(patient.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void aTimeoutMustBePositive() {
        var tasks = runtimes.start().newTasks("POST /orders", "req-1");

        assertThatIllegalArgumentException().isThrownBy(() -> tasks.withTimeout(Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> tasks.withTimeout(Duration.ofSeconds(-1)));
    }

    @Test
    void handlesKeepTheirOrderAcrossViews() {
        var tasks = runtimes.start().newTasks("POST /orders", "req-1");
        var handles = new ArrayList<TaskHandle>();
        handles.add(tasks.addTask(events::add, "1"));
        handles.add(tasks.onError().addTask(events::add, "2"));
        handles.add(tasks.always().withTimeout(Duration.ofSeconds(1)).addTask(events::add, "3"));
        handles.add(tasks.named("four").addTask(events::add, "4"));

        assertThat(tasks.handles()).containsExactlyElementsOf(handles);
    }
}
