package dev.coda.tasks;

import dev.coda.testsupport.LogCapture;
import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ShutdownTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    @RegisterExtension
    final LogCapture logs = new LogCapture("dev.coda.tasks");

    private final Events events = new Events();

    @Test
    void shutdownWaitsForRunningAndQueuedTasksAndReturnsTrue() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var running = runtime.newTasks("first", "req-1");
        running.addTask(gate::pass);
        running.addTask(events::add, "rest of first");
        runtime.dispatch(running, false);
        var queued = runtime.newTasks("second", "req-2");
        queued.addTask(events::add, "second");
        runtime.dispatch(queued, false);
        eventually().until(() -> gate.entered() == 1);

        var shutdown = CompletableFuture.supplyAsync(() -> runtime.shutdown(Duration.ofSeconds(30)));

        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !shutdown.isDone());
        assertThat(events.list()).isEmpty();
        gate.open();
        assertThat(done(shutdown)).isTrue();
        assertThat(events.list()).containsExactly("rest of first", "second");
        assertThat(running.handles()).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(queued.handles()).extracting(TaskHandle::state).containsOnly(TaskState.SUCCEEDED);
        assertThat(logs.at(Level.ERROR)).isEmpty();
    }

    @Test
    void shutdownOfAnIdleRuntimeReturnsTrueAtOnce() {
        var runtime = runtimes.start();

        assertThat(runtime.shutdown(Duration.ZERO)).isTrue();
    }

    @Test
    void aTaskThatOutlivesTheDeadlineIsInterruptedCancelledAndLoggedAndShutdownReturnsFalseAroundTheDeadline() {
        var runtime = runtimes.start();
        var gate = new Gate();
        var tasks = runtime.newTasks("POST /exports", "req-1");
        var stuck = tasks.named("long-export").addTask(gate::pass);
        var taskListDone = runtime.dispatch(tasks, false);
        eventually().until(() -> gate.entered() == 1);
        var deadline = Duration.ofMillis(300);

        long started = System.nanoTime();
        var finished = runtime.shutdown(deadline);
        var took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(finished).isFalse();
        assertThat(took).isBetween(deadline, deadline.plusSeconds(3));
        assertThat(stuck.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(stuck.failure()).containsInstanceOf(CancellationException.class);
        assertThat(done(gate.interruption())).isNotNull();
        assertThat(logs.at(Level.ERROR, "long-export", "POST /exports", "req-1")).hasSize(1);
        done(taskListDone);
        assertThat(stuck.state()).isEqualTo(TaskState.CANCELLED);
        eventually().until(() -> runtime.runningTasks() == 0);
    }

    @Test
    void anAbandonedTaskIsNeitherReportedAsFailedNorGivenToTheErrorHandler() {
        var toldToHandler = new CompletableFuture<TaskHandle>();
        var runtime = runtimes.start(TaskRuntime.builder().errorHandler((task, error) -> toldToHandler.complete(task)));
        var gate = new Gate();
        var tasks = runtime.newTasks("POST /exports", "req-1");
        tasks.named("long-export").addTask(gate::pass);
        var taskListDone = runtime.dispatch(tasks, false);
        eventually().until(() -> gate.entered() == 1);

        assertThat(runtime.shutdown(Duration.ofMillis(100))).isFalse();

        done(taskListDone);
        assertThat(toldToHandler).isNotDone();
        assertThat(logs.at(Level.ERROR)).singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage()).contains("abandoned", "long-export"));
    }

    @Test
    void taskListsStillWaitingAtTheDeadlineAreCancelledLoggedAndComplete() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var firstDone = TestSupport.holdTheSlot(runtime, gate);
        var second = runtime.newTasks("POST /reports", "req-2");
        var waiting = second.named("waiting-report").addTask(events::add, "report");
        var secondDone = runtime.dispatch(second, false);

        assertThat(runtime.shutdown(Duration.ofMillis(100))).isFalse();

        assertThat(waiting.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(logs.at(Level.ERROR, "waiting-report", "POST /reports", "req-2")).hasSize(1);
        done(secondDone);
        done(firstDone);
        assertThat(runtime.queuedTasks()).isZero();
        eventually().until(() -> runtime.runningTasks() == 0);
        assertThat(events.list()).isEmpty();
    }

    @Test
    void aSecondShutdownAfterAnAbandoningOneHasNothingLeftToWaitFor() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var firstDone = TestSupport.holdTheSlot(runtime, gate);
        var second = runtime.newTasks("second", "req-2");
        second.addTask(events::add, "never");
        runtime.dispatch(second, false);
        assertThat(runtime.shutdown(Duration.ofMillis(100))).isFalse();
        done(firstDone);

        assertThat(runtime.shutdown(Duration.ZERO)).isTrue();
    }

    @Test
    void tasksDispatchedAfterShutdownAreRejectedAndLogged() {
        var runtime = runtimes.start();
        assertThat(runtime.shutdown(Duration.ofSeconds(1))).isTrue();
        var tasks = runtime.newTasks("POST /late", "req-9");
        var late = tasks.named("late-task").addTask(events::add, "late");

        var taskListDone = runtime.dispatch(tasks, false);

        assertThat(taskListDone.toCompletableFuture()).isCompleted();
        assertThat(late.state()).isEqualTo(TaskState.FAILED);
        assertThat(late.failure()).get().isInstanceOf(RejectedExecutionException.class)
                .extracting(Throwable::getMessage).asString().contains("shutting down");
        assertThat(logs.at(Level.WARN, "late-task", "POST /late", "req-9")).hasSize(1);
        assertThat(events.list()).isEmpty();
    }

    @Test
    void manyAbandonedTasksAreLoggedAsCountsByNameAndABoundedSampleNotOneEach() {
        var runtime = runtimes.start(TaskRuntime.builder().maxConcurrency(1));
        var gate = new Gate();
        var blocking = runtime.newTasks("POST /exports", "req-0");
        blocking.addTask(gate::pass);
        runtime.dispatch(blocking, false);
        eventually().until(() -> gate.entered() == 1);
        for (int i = 1; i <= 5_000; i++) {
            var tasks = runtime.newTasks("POST /mail", "req-" + i);
            tasks.named("mail-" + (i % 20)).addTask(events::add, "m" + i);
            runtime.dispatch(tasks, false);
        }

        assertThat(runtime.shutdown(Duration.ofMillis(100))).isFalse();

        assertThat(logs.at(Level.ERROR)).singleElement().satisfies(line -> {
            var text = line.getFormattedMessage();
            assertThat(text).contains("abandoned 5001 background task(s) (1 running, 5000 queued)", "mail-3=250", "(other names)=");
            assertThat(text.length()).as("a line of a few KB, whatever the number of tasks").isLessThan(4_000);
        });
        gate.open();
    }

    @Test
    void closeShutsDownWithTheConfiguredTimeout() {
        var runtime = runtimes.start(TaskRuntime.builder().shutdownTimeout(Duration.ofMillis(200)));
        var gate = new Gate();
        var tasks = runtime.newTasks("POST /exports", "req-1");
        var stuck = tasks.addTask(gate::pass);
        runtime.dispatch(tasks, false);
        eventually().until(() -> gate.entered() == 1);

        runtime.close();

        assertThat(runtime.shutdownTimeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(stuck.state()).isEqualTo(TaskState.CANCELLED);
        assertThat(logs.at(Level.ERROR, "Gate.pass", "PT0.2S")).hasSize(1);
    }

    @Test
    void dispatchingTheSameTasksTwiceThrowsAndRunsThemOnce() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var handle = tasks.addTask(events::add, "once");
        done(runtime.dispatch(tasks, false));

        assertThatIllegalStateException().isThrownBy(() -> runtime.dispatch(tasks, false))
                .withMessageContaining("POST /orders").withMessageContaining("already");

        var probe = runtime.newTasks("probe", "req-2");
        probe.addTask(events::add, "probe");
        done(runtime.dispatch(probe, false));
        assertThat(events.list()).containsExactly("once", "probe");
        assertThat(handle.state()).isEqualTo(TaskState.SUCCEEDED);
    }

    @Test
    void dispatchingTwiceWhileTheFirstDispatchStillRunsThrows() {
        var runtime = runtimes.start();
        var gate = new Gate();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.addTask(gate::pass);
        var taskListDone = runtime.dispatch(tasks, false);

        assertThatIllegalStateException().isThrownBy(() -> runtime.dispatch(tasks, true))
                .withMessageContaining("already");

        gate.open();
        done(taskListDone);
        assertThat(gate.entered()).isEqualTo(1);
    }

    @Test
    void addingATaskAfterDispatchThrowsWithAClearMessage() {
        var runtime = runtimes.start();
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.addTask(events::add, "in time");
        done(runtime.dispatch(tasks, false));

        assertThatIllegalStateException().isThrownBy(() -> tasks.addTask(events::add, "too late"))
                .withMessageContaining("POST /orders").withMessageContaining("already handed to the task runtime");
        assertThatIllegalStateException().isThrownBy(() -> tasks.onError().addTask(events::add, "too late"))
                .withMessageContaining("already");
        assertThatIllegalStateException().isThrownBy(() -> tasks.parallel(g -> g.addTask(events::add, "too late")))
                .withMessageContaining("already");
        assertThat(tasks.handles()).hasSize(1);
        assertThat(events.list()).containsExactly("in time");
    }
}
