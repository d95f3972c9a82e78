package dev.coda.tasks;

import static dev.coda.tasks.TestSupport.done;
import static dev.coda.tasks.TestSupport.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskMetricsTest {

    @RegisterExtension
    final TaskRuntimes runtimes = new TaskRuntimes();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Events events = new Events();

    private double completed(String task, String outcome) {
        var counter = registry.find("coda.tasks.completed").tags("task", task, "outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void finishedTasksAreCountedByNameAndOutcome() {
        var runtime = runtimes.start(TaskRuntime.builder().meterRegistry(registry));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.named("ok").addTask(events::add, "ok");
        tasks.named("ok").addTask(events::add, "ok again");
        tasks.named("bad").addTask(TestSupport::throwIt, new IllegalStateException("boom"));
        tasks.named("dropped").addTask(events::add, "dropped").cancel();
        tasks.onError().named("skipped").addTask(events::add, "skipped");

        done(runtime.dispatch(tasks, false));

        assertThat(completed("ok", "succeeded")).isEqualTo(2.0);
        assertThat(completed("bad", "failed")).isEqualTo(1.0);
        assertThat(completed("dropped", "cancelled")).isEqualTo(1.0);
        assertThat(completed("skipped", "cancelled")).isEqualTo(1.0);
        assertThat(registry.find("coda.tasks.completed").counters()).hasSize(4);
    }

    @Test
    void everyMeterFollowsTheSchemeSharedWithDurableTasksKindInProcessAndNoQueue() {
        var runtime = runtimes.start(TaskRuntime.builder().meterRegistry(registry));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.named("ok").addTask(events::add, "ok");
        tasks.named("bad").addTask(TestSupport::throwIt, new IllegalStateException("boom"));

        done(runtime.dispatch(tasks, false));

        assertThat(registry.getMeters()).as("every task meter").isNotEmpty().allSatisfy(meter -> {
            assertThat(meter.getId().getName()).startsWith("coda.tasks.");
            assertThat(meter.getId().getTag("kind")).isEqualTo(TaskMeters.Kind.IN_PROCESS.tag()).isEqualTo("in-process");
            assertThat(meter.getId().getTag("queue")).isEqualTo(TaskMeters.NO_QUEUE);
        });
        assertThat(registry.get(TaskMeters.STARTED).tags("task", "ok").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(TaskMeters.FAILURES).tags("task", "bad", "reason", "error").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(TaskMeters.RUNS).tags("task", "ok", "outcome", "succeeded").timer().count()).isEqualTo(1);
    }

    @Test
    void theDurationOfTasksThatRanIsTimedByNameAndOutcome() {
        var runtime = runtimes.start(TaskRuntime.builder().meterRegistry(registry));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        var gate = new Gate();
        tasks.named("slow").withTimeout(Duration.ofMillis(150)).addTask(gate::pass);
        tasks.named("ok").addTask(events::add, "ok");
        tasks.named("dropped").addTask(events::add, "dropped").cancel();

        done(runtime.dispatch(tasks, false));

        var slow = registry.get("coda.tasks.runs").tags("task", "slow", "outcome", "failed").timer();
        assertThat(slow.count()).isEqualTo(1);
        assertThat(slow.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
        assertThat(registry.get("coda.tasks.runs").tags("task", "ok", "outcome", "succeeded").timer().count())
                .isEqualTo(1);
        assertThat(registry.find("coda.tasks.runs").tags("task", "dropped").timer())
                .as("a task that never ran has no duration").isNull();
    }

    @Test
    void theQueuedAndRunningGaugesFollowTheTasks() {
        var runtime = runtimes.start(TaskRuntime.builder().meterRegistry(registry).maxConcurrency(1));
        var gate = new Gate();
        var stage = new CompletableFuture<Void>();
        var first = runtime.newTasks("first", "req-1");
        first.addTask(gate::pass);
        first.addTask(() -> stage);
        var second = runtime.newTasks("second", "req-2");
        second.addTask(events::add, "a");
        second.addTask(events::add, "b");

        assertThat(gauge("coda.tasks.queued")).isZero();
        assertThat(gauge("coda.tasks.running")).isZero();

        var firstDone = runtime.dispatch(first, false);
        var secondDone = runtime.dispatch(second, false);

        eventually().until(() -> gate.entered() == 1);
        eventually().until(() -> gauge("coda.tasks.running") == 1.0 && gauge("coda.tasks.queued") == 3.0);
        gate.open();
        eventually().until(() -> gauge("coda.tasks.running") == 1.0 && gauge("coda.tasks.queued") == 2.0);
        stage.complete(null);
        done(firstDone);
        done(secondDone);
        assertThat(gauge("coda.tasks.queued")).isZero();
        assertThat(gauge("coda.tasks.running")).isZero();
    }

    @Test
    void aRuntimeWithoutARegistryRunsTasksWithoutMetrics() {
        var runtime = runtimes.start(TaskRuntime.builder().meterRegistry(null));
        var tasks = runtime.newTasks("POST /orders", "req-1");
        tasks.addTask(events::add, "ran");
        tasks.addTask(TestSupport::throwIt, new IllegalStateException("boom"));

        done(runtime.dispatch(tasks, false));

        assertThat(events.list()).containsExactly("ran");
        assertThat(registry.getMeters()).isEmpty();
    }
}
