package dev.coda.tasks;

import dev.coda.tasks.TaskMeters.Kind;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The {@link TaskMeters} of a task runtime's in-process tasks (queue {@link TaskMeters#NO_QUEUE}); a no-op without a registry. */
final class TaskMetrics {

    private static final String QUEUE = TaskMeters.NO_QUEUE;

    private final MeterRegistry registry;

    TaskMetrics(MeterRegistry registry, TaskRuntime runtime) {
        this.registry = registry;
        if (registry != null) {
            TaskMeters.gauges(registry, Kind.IN_PROCESS, QUEUE, runtime, TaskRuntime::queuedTasks, TaskRuntime::runningTasks);
        }
    }

    /** Whether task durations are recorded (there is a registry): otherwise the runtime does not read the clock. */
    boolean timed() {
        return registry != null;
    }

    /** Counts an in-process task refused because the runtime was full or stopping. */
    void rejected(TaskEntry task) {
        if (registry != null) {
            TaskMeters.counter(registry, TaskMeters.REJECTIONS, Kind.IN_PROCESS, task.name(), QUEUE).increment();
        }
    }

    /** Counts a run that starts. */
    void started(TaskEntry task) {
        if (registry != null) {
            TaskMeters.counter(registry, TaskMeters.STARTED, Kind.IN_PROCESS, task.name(), QUEUE).increment();
        }
    }

    /**
     * Counts a finished task ({@link TaskMeters#COMPLETED}), its run if it ran ({@code nanos >= 0}: {@link TaskMeters#RUNS}),
     * and a failure's reason ({@code error} after a run, else {@code rejected}).
     */
    void finished(TaskEntry task, TaskState outcome, long nanos) {
        if (registry == null) {
            return;
        }
        var outcomeTag = outcome.name().toLowerCase(Locale.ROOT);
        TaskMeters.completed(registry, Kind.IN_PROCESS, task.name(), QUEUE, outcomeTag).increment();
        if (nanos >= 0) {
            TaskMeters.runs(registry, Kind.IN_PROCESS, task.name(), QUEUE, outcomeTag).record(nanos, TimeUnit.NANOSECONDS);
        }
        if (outcome == TaskState.FAILED) {
            TaskMeters.failures(registry, Kind.IN_PROCESS, task.name(), QUEUE, nanos >= 0 ? "error" : "rejected").increment();
        }
    }
}
