package dev.coda.tasks;

import dev.coda.testsupport.LogCapture;
import static dev.coda.tasks.TestSupport.done;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FailureIsolationTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda.tasks");

    private final Events events = new Events();

    record Failure(TaskHandle handle, TaskState stateSeen, Throwable error, Thread thread) {
    }

    /** An error handler that remembers what it was told. */
    static final class RecordingHandler implements TaskErrorHandler {
        final List<Failure> failures = new CopyOnWriteArrayList<>();

        @Override
        public void onFailure(TaskHandle task, Throwable error) {
            failures.add(new Failure(task, task.state(), error, Thread.currentThread()));
        }
    }

    @Test
    void aFailingTaskDoesNotPreventTheTasksAfterIt() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var boom = new IllegalStateException("boom");
        tasks.addTask(events::add, "before");
        var failing = tasks.addTask(TestSupport::throwIt, boom);
        var after = tasks.addTask(events::add, "after");

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("before", "after");
        assertThat(failing.state()).isEqualTo(TaskState.FAILED);
        assertThat(failing.failure()).containsSame(boom);
        assertThat(after.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(after.failure()).isEmpty();
    }

    @Test
    void aFailureIsLoggedExactlyOnceAtErrorWithTheTaskNameOriginCorrelationIdAndException() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-7");
        var boom = new IllegalStateException("boom");
        var failing = tasks.addTask(TestSupport::throwIt, boom);

        done(runtime.dispatch(tasks, false));

        var mentioningTheException = logs.events().stream()
                .filter(e -> e.getThrowableProxy() != null && "boom".equals(e.getThrowableProxy().getMessage()))
                .toList();
        assertThat(mentioningTheException).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage()).contains("TestSupport.throwIt", failing.id(), "POST /orders", "req-7");
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
        });
        assertThat(logs.at(Level.ERROR)).hasSize(1);
    }

    @Test
    void theErrorHandlerIsToldTheHandleAndTheErrorOfAFailedTask() {
        var handler = new RecordingHandler();
        var runtime = runtimes.start(TaskRuntime.builder().errorHandler(handler));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var boom = new IllegalStateException("boom");
        var failing = tasks.addTask(TestSupport::throwIt, boom);
        tasks.addTask(events::add, "fine");

        done(runtime.dispatch(tasks, false));

        assertThat(handler.failures).singleElement().satisfies(failure -> {
            assertThat(failure.handle()).isSameAs(failing);
            assertThat(failure.error()).isSameAs(boom);
            assertThat(failure.stateSeen()).isEqualTo(TaskState.FAILED);
            assertThat(failure.thread()).isNotSameAs(Thread.currentThread());
        });
    }

    @Test
    void anErrorHandlerThatThrowsBreaksNeitherTheTaskListNorTheRuntime() {
        TaskErrorHandler broken = (task, error) -> {
            throw new IllegalStateException("the error tracker is down");
        };
        var runtime = runtimes.start(TaskRuntime.builder().errorHandler(broken));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var failing = tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));
        var after = tasks.addTask(events::add, "after");

        done(runtime.dispatch(tasks, false));

        assertThat(failing.state()).isEqualTo(TaskState.FAILED);
        assertThat(after.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(logs.at(Level.WARN, "error handler", "TestSupport.throwIt")).singleElement()
                .extracting(ILoggingEvent::getThrowableProxy)
                .satisfies(t -> assertThat(t.getMessage()).isEqualTo("the error tracker is down"));

        var nextTaskList = runtime.newTasks("POST /orders", "req-2");
        nextTaskList.addTask(events::add, "next unit");
        done(runtime.dispatch(nextTaskList, false));
        assertThat(events.list()).containsExactly("after", "next unit");
    }

    @Test
    void withFailFastTheTasksAfterAFailureAreCancelledAndLogged() {
        var runtime = runtimes.start(TaskRuntime.builder().failFast(true));
        var tasks = runtime.newTasks("POST /orders", "req-3");
        var before = tasks.addTask(events::add, "before");
        var failing = tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));
        var later = tasks.named("send-receipt").addTask(events::add, "later");
        var group = tasks.parallel(g -> {
            g.named("index-order").addTask(events::add, "index");
            g.named("evict-cache").addTask(events::add, "evict");
        });

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("before");
        assertThat(before.state()).isEqualTo(TaskState.SUCCEEDED);
        assertThat(failing.state()).isEqualTo(TaskState.FAILED);
        assertThat(later.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(later.failure()).containsInstanceOf(CancellationException.class);
        assertThat(group).extracting(TaskHandle::state).containsOnly(TaskState.CANCELLED);
        for (var name : List.of("send-receipt", "index-order", "evict-cache")) {
            assertThat(logs.at(Level.WARN, name, "POST /orders", "req-3")).as("warning about %s", name).hasSize(1);
        }
        assertThat(runtime.queuedTasks()).isZero();
    }

    @Test
    void withoutFailFastOnlyTheFailingTaskFails() {
        var runtime = runtimes.start(TaskRuntime.builder().failFast(false));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.addTask(TestSupport::throwIt, new IllegalStateException("first"));
        tasks.addTask(TestSupport::throwIt, new IllegalStateException("second"));
        tasks.addTask(events::add, "third");

        done(runtime.dispatch(tasks, false));

        assertThat(tasks.handles()).extracting(TaskHandle::state)
                .containsExactly(TaskState.FAILED, TaskState.FAILED, TaskState.SUCCEEDED);
        assertThat(logs.at(Level.ERROR)).hasSize(2);
        assertThat(logs.at(Level.WARN)).isEmpty();
    }
}
