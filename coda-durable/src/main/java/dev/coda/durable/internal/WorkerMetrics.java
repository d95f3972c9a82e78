package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.ClaimedTask;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A worker's {@code coda.durable.*} meters, created once per queue and task name and cached: names no
 * task is registered under become the one tag {@code unknown}, so a bad row cannot grow the registry.
 *
 * <pre>{@code
 * var metrics = new WorkerMetrics(registry, name -> tasks.task(name) != null);
 * metrics.of(task).started.increment();
 * }</pre>
 */
public final class WorkerMetrics {

    private final MeterRegistry registry;
    private final Predicate<String> registered;
    private final Map<String, Map<String, TaskMeters>> byQueueAndTask = new ConcurrentHashMap<>();

    public WorkerMetrics(MeterRegistry registry, Predicate<String> registered) {
        this.registry = registry;
        this.registered = registered;
    }

    /** The meters of the task's name and queue. */
    TaskMeters of(ClaimedTask task) {
        var byTask = byQueueAndTask.computeIfAbsent(task.queue(), q -> new ConcurrentHashMap<>());
        var meters = byTask.get(task.name());
        if (meters != null) {
            return meters;
        }
        var name = registered.test(task.name()) ? task.name() : "unknown";
        return byTask.computeIfAbsent(name, n -> new TaskMeters(registry, n, task.queue()));
    }

    /** The meters of one task name on one queue. */
    static final class TaskMeters {
        private final MeterRegistry registry;
        private final String task;
        private final String queue;
        final Counter started;
        final Counter succeeded;
        final Counter retried;
        final Counter recovered;
        private final Map<String, Counter> failed = new ConcurrentHashMap<>();
        private final Map<String, Timer> durations = new ConcurrentHashMap<>();
        final Timer succeededDuration;

        TaskMeters(MeterRegistry registry, String task, String queue) {
            this.registry = registry;
            this.task = task;
            this.queue = queue;
            started = counter("coda.durable.started", "Durable task attempts started");
            succeeded = counter("coda.durable.succeeded", "Durable tasks that succeeded");
            retried = counter("coda.durable.retried", "Durable task attempts that failed and will be retried");
            recovered = counter("coda.durable.recovered", "Durable tasks taken over from a worker whose lease expired");
            succeededDuration = duration("succeeded");
        }

        private Counter counter(String name, String description) {
            return Counter.builder(name).description(description).tag("task", task).tag("queue", queue).register(registry);
        }

        Counter failed(String reason) {
            return failed.computeIfAbsent(reason, r -> Counter.builder("coda.durable.failed")
                    .description("Durable tasks that failed for good").tag("task", task).tag("queue", queue).tag("reason", r)
                    .register(registry));
        }

        Timer duration(String outcome) {
            return durations.computeIfAbsent(outcome, o -> Timer.builder("coda.durable.duration")
                    .description("Time durable task attempts ran").tag("task", task).tag("queue", queue).tag("outcome", o)
                    .register(registry));
        }
    }
}
