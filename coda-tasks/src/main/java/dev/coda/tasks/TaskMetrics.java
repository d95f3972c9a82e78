package dev.coda.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Micrometer meters of a task runtime; a no-op without a registry. */
final class TaskMetrics {

    private final MeterRegistry registry;
    private final Counter rejected;

    TaskMetrics(MeterRegistry registry, TaskRuntime runtime) {
        this.registry = registry;
        if (registry == null) {
            rejected = null;
            return;
        }
        Gauge.builder("coda.tasks.queued", runtime, TaskRuntime::queuedTasks)
                .description("Background tasks waiting to run").register(registry);
        Gauge.builder("coda.tasks.running", runtime, TaskRuntime::runningTasks)
                .description("Background tasks running").register(registry);
        rejected = Counter.builder("coda.tasks.rejected").description("Background tasks rejected because the queue was full")
                .register(registry);
    }

    /** Whether task durations are recorded (there is a registry): otherwise the runtime does not read the clock. */
    boolean timed() {
        return registry != null;
    }

    void rejected() {
        if (rejected != null) {
            rejected.increment();
        }
    }

    /** Counts a finished task ({@code coda.tasks.completed}) and its duration ({@code coda.tasks.duration}). */
    void finished(TaskEntry task, TaskState outcome, long nanos) {
        if (registry == null) {
            return;
        }
        var outcomeTag = outcome.name().toLowerCase(java.util.Locale.ROOT);
        Counter.builder("coda.tasks.completed").tag("task", task.name()).tag("outcome", outcomeTag).register(registry).increment();
        if (nanos >= 0) {
            Timer.builder("coda.tasks.duration").tag("task", task.name()).tag("outcome", outcomeTag).register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
