package dev.coda.tasks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The names and tags of every task meter, in-process and durable alike: one scheme, so that a dashboard or alert
 * queries both kinds the same way. Every meter is tagged {@code kind} ({@code in-process} or {@code durable}) and
 * {@code queue} ({@link #NO_QUEUE} for in-process tasks); those of one task also {@code task}. The table of meters
 * is in docs/background-tasks.md.
 *
 * <pre>{@code
 * registry.get(TaskMeters.RUNS).tag("kind", "durable").tag("outcome", "succeeded").timers();
 * // Prometheus: coda_tasks_runs_seconds_count{kind="durable",outcome="succeeded",queue="default",task="Reports.render"}
 * }</pre>
 */
public final class TaskMeters {

    /** Timer: each run of a task's code, by {@code outcome}: {@code succeeded, failed, retried, cancelled}. */
    public static final String RUNS = "coda.tasks.runs";
    /** Counter: tasks that reached a final state, by {@code outcome}: {@code succeeded, failed, cancelled}. */
    public static final String COMPLETED = "coda.tasks.completed";
    /**
     * Counter: tasks that failed for good, by {@code reason}: {@code error, timeout, rejected, unknown_task,
     * bad_arguments, worker_lost}.
     */
    public static final String FAILURES = "coda.tasks.failures";
    /** Counter: durable tasks stored (by this process). */
    public static final String ENQUEUED = "coda.tasks.enqueued";
    /** Counter: runs (attempts) started. */
    public static final String STARTED = "coda.tasks.started";
    /** Counter: failed attempts of durable tasks that will run again. */
    public static final String RETRIES = "coda.tasks.retries";
    /** Counter: durable tasks taken over from a worker whose lease expired. */
    public static final String RECOVERIES = "coda.tasks.recoveries";
    /** Counter: in-process tasks refused because the runtime was full or stopping. */
    public static final String REJECTIONS = "coda.tasks.rejections";
    /** Gauge: tasks waiting to run in this process (tags {@code kind}, {@code queue}). */
    public static final String QUEUED = "coda.tasks.queued";
    /** Gauge: tasks running in this process (tags {@code kind}, {@code queue}). */
    public static final String RUNNING = "coda.tasks.running";

    /** The {@code queue} tag of in-process tasks, which have none. */
    public static final String NO_QUEUE = "none";

    /** The {@code kind} tag. */
    public enum Kind {
        IN_PROCESS, DURABLE;

        /** {@code in-process} or {@code durable}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private TaskMeters() {
    }

    /** The {@link #RUNS} timer of one task and outcome. */
    public static Timer runs(MeterRegistry registry, Kind kind, String task, String queue, String outcome) {
        return Timer.builder(RUNS).description("Runs of tasks' code and how long they took").tag("kind", kind.tag())
                .tag("queue", queue).tag("task", task).tag("outcome", outcome).register(registry);
    }

    /** The {@link #COMPLETED} counter of one task and final outcome. */
    public static Counter completed(MeterRegistry registry, Kind kind, String task, String queue, String outcome) {
        return Counter.builder(COMPLETED).description("Tasks that reached a final state").tag("kind", kind.tag())
                .tag("queue", queue).tag("task", task).tag("outcome", outcome).register(registry);
    }

    /** The {@link #FAILURES} counter of one task and reason. */
    public static Counter failures(MeterRegistry registry, Kind kind, String task, String queue, String reason) {
        return Counter.builder(FAILURES).description("Tasks that failed for good, by reason").tag("kind", kind.tag())
                .tag("queue", queue).tag("task", task).tag("reason", reason).register(registry);
    }

    /** One of the counters of a task without an outcome: {@link #ENQUEUED}, {@link #STARTED}, {@link #RETRIES}, {@link #RECOVERIES}, {@link #REJECTIONS}. */
    public static Counter counter(MeterRegistry registry, String name, Kind kind, String task, String queue) {
        return Counter.builder(name).tag("kind", kind.tag()).tag("queue", queue).tag("task", task).register(registry);
    }

    /** The {@link #QUEUED} and {@link #RUNNING} gauges of a queue, read from {@code source}. */
    public static <T> void gauges(MeterRegistry registry, Kind kind, String queue, T source, ToDoubleFunction<T> queued,
                                  ToDoubleFunction<T> running) {
        Gauge.builder(QUEUED, source, queued).description("Tasks waiting to run in this process").tag("kind", kind.tag())
                .tag("queue", queue).register(registry);
        Gauge.builder(RUNNING, source, running).description("Tasks running in this process").tag("kind", kind.tag())
                .tag("queue", queue).register(registry);
    }
}
