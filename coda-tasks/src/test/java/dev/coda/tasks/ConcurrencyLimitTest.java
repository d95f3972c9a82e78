package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConcurrencyLimitTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final Events events = new Events();

    @Test
    void atMostMaxConcurrencyTaskListsRunAtOnceAndTheOthersWaitTheirTurn() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(2));
        var gate = new Gate();
        var taskLists = new ArrayList<CompletionStage<Void>>();
        var handles = new ArrayList<TaskHandle>();
        for (int i = 0; i < 5; i++) {
            var tasks = runtime.newTasks("unit " + i, "req-" + i);
            handles.add(tasks.addTask(gate::pass));
            taskLists.add(runtime.dispatch(tasks, false));
        }

        eventually().until(() -> runtime.runningTasks() == 2 && runtime.queuedTasks() == 3);
        assertThat(gate.entered()).isEqualTo(2);
        assertThat(handles).filteredOn(h -> h.state() == TaskState.QUEUED).hasSize(3);

        gate.open();

        taskLists.forEach(TestSupport::done);
        assertThat(handles).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(gate.entered()).isEqualTo(5);
        assertThat(gate.peak()).isEqualTo(2);
        assertThat(runtime.runningTasks()).isZero();
        assertThat(runtime.queuedTasks()).isZero();
    }

    @Test
    void withOneTaskListAtATimeTaskListsRunInTheOrderTheyWereDispatched() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var first = runtime.newTasks("first", "req-0");
        first.addTask(gate::pass);
        var taskLists = new ArrayList<CompletionStage<Void>>();
        taskLists.add(runtime.dispatch(first, false));
        eventually().until(() -> gate.entered() == 1);
        for (int i = 1; i <= 4; i++) {
            var tasks = runtime.newTasks("unit " + i, "req-" + i);
            tasks.addTask(events::add, "unit " + i + " a");
            tasks.addTask(events::add, "unit " + i + " b");
            taskLists.add(runtime.dispatch(tasks, false));
        }
        assertThat(runtime.queuedTasks()).isEqualTo(8);

        gate.open();

        taskLists.forEach(TestSupport::done);
        assertThat(events.list()).containsExactly("unit 1 a", "unit 1 b", "unit 2 a", "unit 2 b", "unit 3 a", "unit 3 b",
                "unit 4 a", "unit 4 b");
    }

    @Test
    void theBuilderRejectsNonsense() {
        var builder = TaskRuntime.builder();

        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxConcurrency(0));
        assertThatIllegalArgumentException().isThrownBy(() -> builder.maxQueuedTasks(0));
        assertThatNullPointerException().isThrownBy(() -> builder.overflowPolicy(null));
        assertThatNullPointerException().isThrownBy(() -> builder.shutdownTimeout(null));
        assertThatNullPointerException().isThrownBy(() -> builder.contextPropagator(null));
    }

    @Test
    void tasksOfOneRuntimeCannotBeDispatchedByAnother() {
        var one = runtimes.start();
        var other = runtimes.start();
        var tasks = one.newTasks("POST /orders", "req-1");
        tasks.addTask(events::add, "x");

        assertThatIllegalArgumentException().isThrownBy(() -> other.dispatch(tasks, false))
                .withMessageContaining("another TaskRuntime");
        done(one.dispatch(tasks, false));
        assertThat(events.list()).containsExactly("x");
    }

    @Test
    void aRuntimeWithDefaultsRunsTasks() {
        try (var runtime = TaskRuntime.create()) {
            var tasks = runtime.newTasks("POST /orders", "req-1");
            tasks.addTask(events::add, "ran");
            done(runtime.dispatch(tasks, false));
        }
        assertThat(events.list()).isEqualTo(List.of("ran"));
    }
}
