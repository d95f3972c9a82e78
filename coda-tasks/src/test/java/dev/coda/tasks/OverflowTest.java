package dev.coda.tasks;

import dev.coda.testsupport.LogCapture;
import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OverflowTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda.tasks");

    private final Events events = new Events();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TaskHandle> toldToHandler = new CopyOnWriteArrayList<>();
    private final List<Throwable> errorsToldToHandler = new CopyOnWriteArrayList<>();
    private final Gate gate = new Gate();

    private TaskRuntime runtime;
    private CompletionStage<Void> blockingTaskList;

    /** One task list at a time, room for two waiting tasks; a first task list occupies the only slot. */
    private void startWith(OverflowPolicy policy) {
        runtime = runtimes.start(TaskRuntime.builder()
                .maxConcurrency(1)
                .maxQueuedTasks(2)
                .overflowPolicy(policy)
                .meterRegistry(registry)
                .errorHandler((task, error) -> {
                    toldToHandler.add(task);
                    errorsToldToHandler.add(error);
                }));
        blockingTaskList = TestSupport.holdTheSlot(runtime, gate);
        assertThat(runtime.queuedTasks()).isZero();
    }

    private double rejectedCount() {
        return registry.find("coda.tasks.rejections").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void withRejectATaskListThatDoesNotFitFailsWithRejectedExecutionExceptionAndIsReported() {
        startWith(OverflowPolicy.REJECT);
        var second = runtime.newTasks("second", "req-2");
        var s1 = second.addTask(events::add, "s1");
        var s2 = second.addTask(events::add, "s2");
        var secondDone = runtime.dispatch(second, false);
        var third = runtime.newTasks("POST /reports", "req-3");
        var late = third.named("build-report").addTask(events::add, "t1");

        var thirdDone = runtime.dispatch(third, false);

        done(thirdDone);                  // the error handler is told on a task thread, then the task list completes
        assertThat(late.state()).isEqualTo(TaskState.FAILED);
        assertThat(late.failure()).get().isInstanceOf(RejectedExecutionException.class)
                .extracting(Throwable::getMessage).asString().contains("build-report");
        assertThat(logs.at(Level.WARN, "build-report", "POST /reports", "req-3")).hasSize(1);
        assertThat(rejectedCount()).isEqualTo(1.0);
        assertThat(toldToHandler).containsExactly(late);
        assertThat(errorsToldToHandler).singleElement().isInstanceOf(RejectedExecutionException.class);
        assertThat(runtime.queuedTasks()).isEqualTo(2);

        gate.open();

        done(blockingTaskList);
        done(secondDone);
        assertThat(events.list()).containsExactly("s1", "s2");
        assertThat(List.of(s1, s2)).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void withDiscardOldestTheOldestWaitingTaskListIsRejectedAndTheNewOneRuns() {
        startWith(OverflowPolicy.DISCARD_OLDEST);
        var second = runtime.newTasks("POST /old", "req-2");
        var s1 = second.named("old-one").addTask(events::add, "s1");
        var s2 = second.named("old-two").addTask(events::add, "s2");
        var secondDone = runtime.dispatch(second, false);
        var third = runtime.newTasks("POST /new", "req-3");
        var fresh = third.addTask(events::add, "t1");

        var thirdDone = runtime.dispatch(third, false);

        done(secondDone);
        for (var old : List.of(s1, s2)) {
            assertThat(old.state()).isEqualTo(TaskState.FAILED);
            assertThat(old.failure()).containsInstanceOf(RejectedExecutionException.class);
        }
        assertThat(logs.at(Level.WARN, "old-one", "old-two", "POST /old", "req-2")).hasSize(1);
        assertThat(rejectedCount()).isEqualTo(2.0);
        assertThat(toldToHandler).containsExactlyInAnyOrder(s1, s2);
        assertThat(fresh.state()).isEqualTo(TaskState.QUEUED);

        gate.open();

        done(thirdDone);
        done(blockingTaskList);
        assertThat(events.list()).containsExactly("t1");
        assertThat(fresh.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void withDiscardOldestATaskListLargerThanTheWholeQueueIsRejectedAndTheWaitingOnesKeepTheirPlace() {
        startWith(OverflowPolicy.DISCARD_OLDEST);
        var second = runtime.newTasks("second", "req-2");
        var waiting = second.addTask(events::add, "waiting");
        var secondDone = runtime.dispatch(second, false);
        var huge = runtime.newTasks("huge", "req-3");
        for (int i = 0; i < 3; i++) {
            huge.addTask(events::add, "huge " + i);
        }

        done(runtime.dispatch(huge, false));

        assertThat(huge.handles()).extracting(TaskHandle::state).containsOnly(TaskState.FAILED);
        assertThat(waiting.state()).isEqualTo(TaskState.QUEUED);
        assertThat(rejectedCount()).isEqualTo(3.0);
        gate.open();
        done(secondDone);
        assertThat(events.list()).containsExactly("waiting");
    }

    @Test
    void queueRoomFreedByStartedTasksIsReused() {
        startWith(OverflowPolicy.REJECT);
        gate.open();
        done(blockingTaskList);

        for (int i = 0; i < 5; i++) {
            var tasks = runtime.newTasks("unit", "req-" + i);
            tasks.addTask(events::add, "a" + i);
            tasks.addTask(events::add, "b" + i);
            done(runtime.dispatch(tasks, false));
        }

        assertThat(events.list()).hasSize(10);
        assertThat(rejectedCount()).isZero();
    }

    // ---------------------------------------------------------------- admission before the answer

    @Test
    void admittedTasksAreCountedInTheQueueBeforeTheAnswerAndRunWhenDispatched() throws Exception {
        startWith(OverflowPolicy.REJECT);
        var second = runtime.newTasks("POST /mail", "req-2");
        var mail = second.addTask(events::add, "mail");

        runtime.admit(second, false);

        assertThat(runtime.queuedTasks()).as("counted before the answer is sent").isEqualTo(1);
        assertThat(mail.state()).isEqualTo(TaskState.QUEUED);
        var secondDone = runtime.dispatch(second, false);
        gate.open();
        done(secondDone);
        assertThat(events.list()).containsExactly("mail");
        assertThat(runtime.queuedTasks()).isZero();
    }

    @Test
    void aTaskListWhoseTasksDoNotFitIsRefusedBeforeItsAnswerWithRetryAfterAndNothingOfItRuns() throws Exception {
        startWith(OverflowPolicy.REJECT);
        var second = runtime.newTasks("POST /mail", "req-2");
        second.addTask(events::add, "fits");
        second.addTask(events::add, "fits too");
        runtime.admit(second, false);
        var third = runtime.newTasks("POST /mail", "req-3");
        var refused = third.named("send-mail").addTask(events::add, "refused");

        assertThatThrownBy(() -> runtime.admit(third, false)).isInstanceOfSatisfying(TasksUnavailableException.class,
                e -> assertThat(e.retryAfter()).isPositive());

        assertThat(refused.state()).isEqualTo(TaskState.FAILED);
        assertThat(refused.failure()).get().isInstanceOf(TasksUnavailableException.class);
        assertThat(runtime.queuedTasks()).as("the refused unit holds no room").isEqualTo(2);
        assertThat(rejectedCount()).isEqualTo(1.0);
        eventually().until(() -> toldToHandler.size() == 1);
        assertThat(toldToHandler).containsExactly(refused);
        assertThat(logs.at(Level.WARN, "Refused", "POST /mail", "req-3", "queue is full")).hasSize(1);
        assertThat(logs.at(Level.ERROR)).isEmpty();
        done(runtime.dispatch(third, true));                   // what the web layer does after its 503: nothing runs
        gate.open();
        done(runtime.dispatch(second, false));
        assertThat(events.list()).containsExactly("fits", "fits too");
    }

    @Test
    void admittingTwiceOrAddingTasksAfterAdmissionThrows() throws Exception {
        startWith(OverflowPolicy.REJECT);
        var tasks = runtime.newTasks("POST /mail", "req-2");
        tasks.addTask(events::add, "mail");
        runtime.admit(tasks, false);

        assertThatIllegalStateException().isThrownBy(() -> runtime.admit(tasks, false)).withMessageContaining("already admitted");
        assertThatIllegalStateException().isThrownBy(() -> tasks.addTask(events::add, "late"))
                .withMessageContaining("already handed to the task runtime");
        gate.open();
        done(runtime.dispatch(tasks, false));
        assertThat(events.list()).containsExactly("mail");
    }

    @Test
    void withDiscardOldestAdmissionRejectsTheOldestWaitingTaskListToMakeRoom() throws Exception {
        startWith(OverflowPolicy.DISCARD_OLDEST);
        var old = runtime.newTasks("POST /old", "req-2");
        var o1 = old.addTask(events::add, "o1");
        var o2 = old.addTask(events::add, "o2");
        var oldDone = runtime.dispatch(old, false);
        var fresh = runtime.newTasks("POST /new", "req-3");
        fresh.addTask(events::add, "new");

        runtime.admit(fresh, false);

        done(oldDone);
        assertThat(List.of(o1, o2)).extracting(TaskHandle::state).containsOnly(TaskState.FAILED);
        var freshDone = runtime.dispatch(fresh, false);
        gate.open();
        done(freshDone);
        assertThat(events.list()).containsExactly("new");
    }

    @Test
    void aTaskListWithoutTasksToRunHereIsAdmittedWithoutRoomAndCountsNothing() throws Exception {
        startWith(OverflowPolicy.REJECT);
        var filler = runtime.newTasks("filler", "req-2");
        filler.addTask(events::add, "f1");
        filler.addTask(events::add, "f2");
        runtime.admit(filler, false);
        var onErrorOnly = runtime.newTasks("POST /audit", "req-3");
        var audit = onErrorOnly.onError().addTask(events::add, "audit");

        runtime.admit(onErrorOnly, false);            // succeeded: its only task is not to run, so it needs no room

        assertThat(audit.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(runtime.queuedTasks()).isEqualTo(2);
        done(runtime.dispatch(onErrorOnly, false));
        gate.open();
        done(runtime.dispatch(filler, false));
    }
}
