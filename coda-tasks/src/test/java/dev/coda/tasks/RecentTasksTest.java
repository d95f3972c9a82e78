package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RecentTasksTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final Instant noon = Instant.parse("2026-12-04T12:00:00Z");
    private final InstantSource clock = InstantSource.fixed(noon);
    private final Events events = new Events();

    @Test
    void aRunningTaskIsListedAsRunningUntilItEndsThenAmongTheFinished() {
        var runtime = runtimes.start(TaskRuntime.builder().clock(clock));
        var gate = new Gate();
        var tasks = runtime.newTasks("POST /reports", "req-1");
        var handle = tasks.addTask(gate::pass);
        var taskListDone = runtime.dispatch(tasks, false);

        eventually().until(() -> runtime.recent().running().size() == 1);
        var running = runtime.recent().running().getFirst();
        assertThat(running.id()).isEqualTo(handle.id());
        assertThat(running.state()).isEqualTo(TaskState.RUNNING);
        assertThat(running.started()).isEqualTo(noon);
        assertThat(running.finished()).isNull();
        assertThat(runtime.recent().finished()).isEmpty();

        gate.open();
        done(taskListDone);

        var recent = runtime.recent();
        assertThat(recent.running()).isEmpty();
        assertThat(recent.finished()).singleElement().satisfies(run -> {
            assertThat(run.id()).isEqualTo(handle.id());
            assertThat(run.state()).isEqualTo(TaskState.SUCCEEDED);
            assertThat(run.finished()).isEqualTo(noon);
            assertThat(run.error()).isNull();
        });
        assertThat(recent.failed()).isEmpty();
    }

    @Test
    void aFailedTaskIsKeptAmongTheFailedWithItsErrorText() {
        var runtime = runtimes.start(TaskRuntime.builder().clock(clock));
        var tasks = runtime.newTasks("POST /reports", "req-2");
        tasks.addTask(TestSupport::throwIt, new IllegalStateException("the printer is on fire"));
        tasks.addTask(events::add, "after");
        done(runtime.dispatch(tasks, false));

        var recent = runtime.recent();
        assertThat(recent.failed()).singleElement().satisfies(run -> {
            assertThat(run.state()).isEqualTo(TaskState.FAILED);
            assertThat(run.error()).isEqualTo("java.lang.IllegalStateException: the printer is on fire");
        });
        assertThat(recent.finished()).extracting(RecentTasks.Run::state)
                .containsExactly(TaskState.SUCCEEDED, TaskState.FAILED);          // the latest first
    }

    @Test
    void onlyTheLastFinishedAndFailedTasksAreKept() {
        var runtime = runtimes.start(TaskRuntime.builder().clock(InstantSource.system()));
        for (int i = 0; i < RecentTasks.KEPT * 3; i++) {
            var tasks = runtime.newTasks("job", "run-" + i);
            tasks.addTask(events::add, "task-" + i);
            tasks.addTask(TestSupport::throwIt, new IllegalArgumentException("failure " + i));
            done(runtime.dispatch(tasks, false));
        }

        var recent = runtime.recent();
        assertThat(recent.finished()).hasSize(RecentTasks.KEPT);
        assertThat(recent.failed()).hasSize(RecentTasks.KEPT);
        assertThat(recent.failed().getFirst().error()).endsWith("failure " + (RecentTasks.KEPT * 3 - 1));
        assertThat(recent.failed().getLast().error()).endsWith("failure " + (RecentTasks.KEPT * 2));
    }
}
