package dev.coda.tasks;

import dev.coda.testsupport.LogCapture;
import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda.tasks");

    private final Events events = new Events();
    private TaskRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = runtimes.start();
    }

    private static BackgroundTasks view(BackgroundTasks tasks, String phase) {
        return switch (phase) {
            case "default" -> tasks;
            case "onError" -> tasks.onError();
            case "always" -> tasks.always();
            default -> throw new IllegalArgumentException(phase);
        };
    }

    @ParameterizedTest(name = "a {0} task when the unit failed={1} runs={2}")
    @CsvSource({
        "default, false, true",
        "default, true,  false",
        "onError, false, false",
        "onError, true,  true",
        "always,  false, true",
        "always,  true,  true",
    })
    void aTaskRunsOnlyWhenItsPhaseMatchesTheOutcomeOfItsTaskList(String phase, boolean unitFailed, boolean runs) {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = view(tasks, phase).addTask(events::add, "ran");

        done(runtime.dispatch(tasks, unitFailed));

        if (runs) {
            assertThat(events.list()).containsExactly("ran");
            assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
        } else {
            assertThat(events.list()).isEmpty();
            assertThat(handle.state()).isEqualTo(TaskState.CANCELLED);
            assertThat(handle.failure()).containsInstanceOf(CancellationException.class);
            assertThat(done(handle.completion())).isEqualTo(TaskState.CANCELLED);
        }
    }

    @Test
    void whenTheTaskListFailsItsSkippedTasksAreNamedInOneInfoLineNotAWarningAsAClientsBadRequestIsNoServerProblem() {
        var tasks = runtime.newTasks("POST /orders", "req-9");
        tasks.addTask(events::add, "confirmation");
        tasks.named("send-receipt").addTask(events::add, "receipt");
        tasks.always().addTask(events::add, "count");
        tasks.onError().addTask(events::add, "audit");

        done(runtime.dispatch(tasks, true));

        assertThat(events.list()).containsExactly("count", "audit");
        assertThat(logs.at(Level.INFO)).singleElement().satisfies(event -> assertThat(event.getFormattedMessage())
                .contains("POST /orders", "req-9", "Events.add", "send-receipt"));
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void whenTheTaskListSucceedsItsSkippedErrorTasksAreNotWarnedAbout() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var audit = tasks.onError().addTask(events::add, "audit");
        tasks.addTask(events::add, "confirmation");

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("confirmation");
        assertThat(audit.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(logs.at(Level.WARN)).isEmpty();
    }

    @Test
    void phasesApplyToTheMembersOfAParallelGroup() {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var group = tasks.parallel(g -> {
            g.addTask(events::add, "default member");
            g.onError().addTask(events::add, "error member");
            g.always().addTask(events::add, "always member");
        });

        done(runtime.dispatch(tasks, true));

        assertThat(events.list()).containsExactlyInAnyOrder("error member", "always member");
        assertThat(group).extracting(TaskHandle::state)
                .containsExactly(TaskState.CANCELLED, TaskState.SUCCEEDED, TaskState.SUCCEEDED);
    }

    @Test
    void anErrorViewAddedInsideAParallelGroupStillRunsInParallelWithTheOthers() throws Exception {
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var barrier = new java.util.concurrent.CyclicBarrier(2);
        var group = tasks.onError().parallel(g -> {
            g.addTask(ParallelGroupTest::meet, barrier);
            g.addTask(ParallelGroupTest::meet, barrier);
        });

        done(runtime.dispatch(tasks, true));

        assertThat(group).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
    }
}
