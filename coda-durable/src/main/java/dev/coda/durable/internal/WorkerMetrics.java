package dev.coda.durable.internal;

import dev.coda.durable.TaskEngine.ClaimedTask;
import dev.coda.tasks.TaskMeters.Kind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A worker's task meters ({@code coda.tasks.*}, kind {@code durable}: see {@link dev.coda.tasks.TaskMeters}), created once per queue and task name and cached: names no
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

    /** The meters of one task name on one queue, in the scheme of {@link dev.coda.tasks.TaskMeters} (kind {@code durable}). */
    static final class TaskMeters {
        private static final Kind KIND = Kind.DURABLE;
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
            started = dev.coda.tasks.TaskMeters.counter(registry, dev.coda.tasks.TaskMeters.STARTED, KIND, task, queue);
            succeeded = dev.coda.tasks.TaskMeters.completed(registry, KIND, task, queue, "succeeded");
            retried = dev.coda.tasks.TaskMeters.counter(registry, dev.coda.tasks.TaskMeters.RETRIES, KIND, task, queue);
            recovered = dev.coda.tasks.TaskMeters.counter(registry, dev.coda.tasks.TaskMeters.RECOVERIES, KIND, task, queue);
            succeededDuration = duration("succeeded");
        }

        /** Counts a task failed for good ({@code completed}, outcome failed) and why ({@code failures}, tag {@code reason}). */
        void failed(String reason) {
            dev.coda.tasks.TaskMeters.completed(registry, KIND, task, queue, "failed").increment();
            failed.computeIfAbsent(reason, r -> dev.coda.tasks.TaskMeters.failures(registry, KIND, task, queue, r)).increment();
        }

        /** The {@code runs} timer of an outcome: succeeded, retried, failed. */
        Timer duration(String outcome) {
            return durations.computeIfAbsent(outcome, o -> dev.coda.tasks.TaskMeters.runs(registry, KIND, task, queue, o));
        }
    }
}
