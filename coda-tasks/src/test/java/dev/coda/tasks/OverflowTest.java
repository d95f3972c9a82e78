package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

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
    final LogCapture logs = new LogCapture();

    private final Events events = new Events();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<TaskHandle> toldToHandler = new CopyOnWriteArrayList<>();
    private final List<Throwable> errorsToldToHandler = new CopyOnWriteArrayList<>();
    private final Gate gate = new Gate();

    private TaskRuntime runtime;
    private CompletionStage<Void> blockingUnit;

    /** One unit at a time, room for two waiting tasks; a first unit occupies the only slot. */
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
        var first = runtime.newTasks("first", "req-1");
        first.addTask(gate::pass);
        blockingUnit = runtime.dispatch(first, false);
        eventually().until(() -> gate.entered() == 1);
        assertThat(runtime.queuedTasks()).isZero();
    }

    private double rejectedCount() {
        return registry.get("coda.tasks.rejected").counter().count();
    }

    @Test
    void withRejectAUnitThatDoesNotFitFailsWithRejectedExecutionExceptionAndIsReported() {
        startWith(OverflowPolicy.REJECT);
        var second = runtime.newTasks("second", "req-2");
        var s1 = second.addTask(events::add, "s1");
        var s2 = second.addTask(events::add, "s2");
        var secondDone = runtime.dispatch(second, false);
        var third = runtime.newTasks("POST /reports", "req-3");
        var late = third.named("build-report").addTask(events::add, "t1");

        var thirdDone = runtime.dispatch(third, false);

        done(thirdDone);                  // the error handler is told on a task thread, then the unit completes
        assertThat(late.state()).isEqualTo(TaskState.FAILED);
        assertThat(late.failure()).get().isInstanceOf(RejectedExecutionException.class)
                .extracting(Throwable::getMessage).asString().contains("build-report");
        assertThat(logs.at(Level.ERROR, "build-report", "POST /reports", "req-3")).hasSize(1);
        assertThat(rejectedCount()).isEqualTo(1.0);
        assertThat(toldToHandler).containsExactly(late);
        assertThat(errorsToldToHandler).singleElement().isInstanceOf(RejectedExecutionException.class);
        assertThat(runtime.queuedTasks()).isEqualTo(2);

        gate.open();

        done(blockingUnit);
        done(secondDone);
        assertThat(events.list()).containsExactly("s1", "s2");
        assertThat(List.of(s1, s2)).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
    }

    @Test
    void withDiscardOldestTheOldestWaitingUnitIsRejectedAndTheNewOneRuns() {
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
        assertThat(logs.at(Level.ERROR, "old-one", "old-two", "POST /old", "req-2")).hasSize(1);
        assertThat(rejectedCount()).isEqualTo(2.0);
        assertThat(toldToHandler).containsExactlyInAnyOrder(s1, s2);
        assertThat(fresh.state()).isEqualTo(TaskState.QUEUED);

        gate.open();

        done(thirdDone);
        done(blockingUnit);
        assertThat(events.list()).containsExactly("t1");
        assertThat(fresh.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void withDiscardOldestAUnitLargerThanTheWholeQueueIsRejectedAndTheWaitingOnesKeepTheirPlace() {
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
        done(blockingUnit);

        for (int i = 0; i < 5; i++) {
            var tasks = runtime.newTasks("unit", "req-" + i);
            tasks.addTask(events::add, "a" + i);
            tasks.addTask(events::add, "b" + i);
            done(runtime.dispatch(tasks, false));
        }

        assertThat(events.list()).hasSize(10);
        assertThat(rejectedCount()).isZero();
    }
}
